<?cs include:"header.cs" ?>
<h1>Want to go</h1>
<?cs if:subcount(Saved) ?>
<p class="hint">Your friends see the places you save in their feed.</p>
<ul class="cards"><?cs each:r = Saved ?><li class="card saved">
  <a class="card-title" href="/restaurants/<?cs var:r.Id ?>"><?cs var:r.Name ?></a>
  <p class="meta"><?cs if:r.City ?><?cs var:r.City ?><?cs /if ?><?cs if:r.Price ?> &middot; <span class="price price-<?cs var:r.Price ?>"><?cs var:r.Price ?></span><?cs /if ?></p>
  <p class="meta"><?cs each:cu = r.Cuisines ?><span class="tag"><?cs var:cu ?></span> <?cs /each ?></p>
  <p class="meta"><?cs if:r.Reviews > 0 ?><?cs call:stars(r.AvgRounded) ?> <?cs var:r.Avg ?> (<?cs var:r.Reviews ?> review<?cs if:r.Reviews != 1 ?>s<?cs /if ?>)<?cs else ?>No reviews yet<?cs /if ?></p>
  <form class="save-note" method="post" action="/restaurants/<?cs var:r.Id ?>/note">
    <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
    <label for="note-<?cs var:r.Id ?>">Note (only you see it)</label>
    <textarea id="note-<?cs var:r.Id ?>" name="note" rows="2" maxlength="<?cs var:Page.NoteMax ?>"><?cs var:r.Note ?></textarea>
    <button type="submit" class="small quiet" aria-label="Save note on <?cs var:r.Name ?>">Save note</button>
  </form>
  <div class="actions">
    <form class="inline" method="post" action="/restaurants/<?cs var:r.Id ?>/been">
      <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
      <button type="submit" class="small">Been there: review it</button>
    </form>
    <form class="inline" method="post" action="/restaurants/<?cs var:r.Id ?>/unsave">
      <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
      <input type="hidden" name="next" value="/saved">
      <button type="submit" class="small quiet" aria-label="Remove <?cs var:r.Name ?> from your list">Remove</button>
    </form>
  </div>
</li><?cs /each ?></ul>
<?cs else ?>
<p class="empty">Your list is empty. Press &ldquo;+ Want to go&rdquo; on a <a href="/restaurants">restaurant</a> to keep it here.</p>
<?cs /if ?>
<?cs include:"footer.cs" ?>
