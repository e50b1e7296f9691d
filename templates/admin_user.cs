<?cs include:"header.cs" ?>
<?cs include:"admin_nav.cs" ?>
<?cs include:"admin_macros.cs" ?>
<h1><?cs var:Target.Name ?> <span class="meta">@<?cs var:Target.Username ?></span></h1>
<p><?cs if:Target.Disabled ?><span class="tag bad">disabled</span><?cs else ?><span class="tag">active</span><?cs /if ?> <?cs if:Target.Admin ?><span class="tag">admin</span><?cs /if ?> <?cs if:Target.Self ?><span class="tag">you</span><?cs /if ?></p>
<dl>
  <dt>E-mail</dt><dd><?cs var:Target.Email ?></dd>
  <dt>Joined</dt><dd><time datetime="<?cs var:Target.Created.Iso ?>"><?cs var:Target.Created ?></time></dd>
  <dt>Home city</dt><dd><?cs if:Target.City ?><?cs var:Target.City ?><?cs else ?>Not given<?cs /if ?></dd>
  <dt>Profile visible to</dt><dd><?cs if:Target.Visibility == "friends" ?>Friends only<?cs else ?>Everyone<?cs /if ?></dd>
  <dt>Reviews</dt><dd><?cs var:Target.Reviews ?></dd>
  <dt>Public profile</dt><dd><a href="/u/<?cs var:url_escape(Target.Username) ?>">/u/<?cs var:Target.Username ?></a></dd>
</dl>
<?cs set:here = "/admin/users/" + Target.Username ?>
<div class="actions"><?cs call:admin_actions(Target, here) ?></div>
<?cs if:Target.ResetLink && !Target.Disabled ?>
<form method="post" action="/admin/users/<?cs var:url_escape(Target.Username) ?>/reset-link">
  <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
  <button type="submit" class="small">Make a password reset link</button>
  <span class="hint">for <?cs var:Target.Name ?> to choose a new password: shown to you once, to hand over yourself; it works once and expires</span>
</form>
<?cs /if ?>
<?cs if:Target.Self ?><p class="meta">You cannot disable your own account or remove your own administrator role: another administrator has to do it.</p><?cs /if ?>
<p><a href="/admin/users">&larr; All users</a></p>
<?cs include:"footer.cs" ?>
