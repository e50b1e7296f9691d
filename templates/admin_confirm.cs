<?cs include:"header.cs" ?>
<?cs include:"admin_nav.cs" ?>
<section class="narrow confirm">
  <h1><?cs var:Confirm.Question ?></h1>
  <p class="meta">@<?cs var:Target.Username ?> &middot; <?cs var:Target.Email ?></p>
  <?cs if:Confirm.Refused ?>
  <p class="form-error" role="alert"><?cs var:Confirm.Refused ?></p>
  <p><a href="<?cs var:Confirm.Next ?>">&larr; Back</a></p>
  <?cs else ?>
  <p><?cs var:Confirm.Explain ?></p>
  <form method="post" action="/admin/users/<?cs var:url_escape(Target.Username) ?>/<?cs var:Confirm.Action ?>">
    <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
    <input type="hidden" name="next" value="<?cs var:Confirm.Next ?>">
    <button type="submit"<?cs if:Confirm.Danger ?> class="danger"<?cs /if ?>><?cs var:Confirm.Button ?></button>
    <a href="<?cs var:Confirm.Next ?>">Cancel</a>
  </form>
  <?cs /if ?>
</section>
<?cs include:"footer.cs" ?>
