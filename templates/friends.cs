<?cs include:"header.cs" ?>
<h1>Friends</h1>
<form class="search" method="get" action="/friends" role="search">
  <label for="q">Find people by name</label>
  <input id="q" name="q" value="<?cs var:Friends.Query ?>" maxlength="60">
  <button type="submit">Search</button>
</form>
<?cs if:Friends.Query ?>
<section>
  <h2>People matching &ldquo;<?cs var:Friends.Query ?>&rdquo;</h2>
  <?cs if:Friends.FoundCount > 0 ?>
  <ul class="people"><?cs each:p = Friends.Found ?><?cs call:person_open(p) ?><?cs call:friend_button("request", p.Username, "Add friend", "/friends") ?><?cs call:person_close() ?><?cs /each ?></ul>
  <?cs else ?><p class="empty">Nobody by that name. Check the spelling or try part of the name.</p><?cs /if ?>
</section>
<?cs /if ?>
<?cs if:subcount(Friends.In) ?>
<section>
  <h2>Requests for you</h2>
  <ul class="people"><?cs each:p = Friends.In ?><?cs call:person_open(p) ?><?cs call:friend_button("accept", p.Username, "Accept", "/friends") ?> <?cs call:friend_button("decline", p.Username, "Decline", "/friends") ?><?cs call:person_close() ?><?cs /each ?></ul>
</section>
<?cs /if ?>
<section>
  <h2>Your friends (<?cs if:Friends.Count ?><?cs var:Friends.Count ?><?cs else ?>0<?cs /if ?>)</h2>
  <?cs if:subcount(Friends.List) ?>
  <ul class="people"><?cs each:p = Friends.List ?><?cs call:person_open(p) ?><?cs call:friend_button("remove", p.Username, "Unfriend", "/friends") ?> <?cs call:friend_button("block", p.Username, "Block", "/friends") ?><?cs call:person_close() ?><?cs /each ?></ul>
  <?cs else ?><p class="empty">No friends yet. Search for people above<?cs if:subcount(Friends.Suggest) ?>, or add someone from &ldquo;People you may know&rdquo; below<?cs /if ?>.</p><?cs /if ?>
</section>
<?cs if:subcount(Friends.Out) ?>
<section>
  <h2>Requests you sent</h2>
  <ul class="people"><?cs each:p = Friends.Out ?><?cs call:person_open(p) ?><?cs call:friend_button("cancel", p.Username, "Cancel", "/friends") ?><?cs call:person_close() ?><?cs /each ?></ul>
</section>
<?cs /if ?>
<?cs if:subcount(Friends.Suggest) ?>
<section>
  <h2>People you may know</h2>
  <ul class="people"><?cs each:p = Friends.Suggest ?><?cs call:person_open(p) ?><?cs call:friend_button("request", p.Username, "Add friend", "/friends") ?><?cs call:person_close() ?><?cs /each ?></ul>
</section>
<?cs /if ?>
<?cs if:subcount(Friends.Blocked) ?>
<section>
  <h2>Blocked</h2>
  <p class="hint">Unblocking lets them see your public profile and send you requests again; it does not make you friends again.</p>
  <ul class="people"><?cs each:p = Friends.Blocked ?><?cs call:person_open(p) ?><?cs call:friend_button("unblock", p.Username, "Unblock", "/friends") ?><?cs call:person_close() ?><?cs /each ?></ul>
</section>
<?cs /if ?>
<?cs include:"footer.cs" ?>
