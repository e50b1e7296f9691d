<?cs include:"header.cs" ?>
<?cs include:"admin_nav.cs" ?>
<section class="narrow">
  <h1>Password reset link for @<?cs var:Reset.Username ?></h1>
  <p>Hand this link to <?cs var:Reset.Username ?> yourself (in person, or a channel you trust). It is shown only now: this site keeps only a fingerprint of it.</p>
  <p><label for="link">Reset link</label>
  <input id="link" class="reset-link" readonly value="<?cs var:Reset.Site ?>/reset?token=<?cs var:Reset.Token ?>"></p>
  <?cs if:!Reset.Site ?><p class="hint">Put this site's address (e.g. https://forkcast.example) before it; set <code>Mail.SiteURL</code> to have it here.</p><?cs /if ?>
  <p>It works once, until <?cs var:Reset.Expires ?> (<?cs call:count(Reset.Minutes, "minute", "minutes") ?>). Using it sets a new password and logs <?cs var:Reset.Username ?> out everywhere.</p>
  <p><a href="/admin/users/<?cs var:url_escape(Reset.Username) ?>">&larr; Back to @<?cs var:Reset.Username ?></a></p>
</section>
<?cs include:"footer.cs" ?>
