<?cs # Confirmation step before starting, stopping, rebooting or terminating an EC2 instance (admin), with a dry-run permission check. ?>
<?cs include:"header.cs" ?>
<?cs include:"admin_nav.cs" ?>
<section class="narrow confirm">
  <h1><?cs var:Confirm.Question ?></h1>
  <p class="meta"><?cs var:Instance.Id ?><?cs if:Instance.Name ?> &middot; <?cs var:Instance.Name ?><?cs /if ?><?cs if:Instance.State ?> &middot; <?cs var:Instance.State ?><?cs /if ?><?cs if:Instance.PublicIp ?> &middot; <?cs var:Instance.PublicIp ?><?cs /if ?></p>
  <?cs if:Confirm.Refused ?><p class="form-error" role="alert"><?cs var:Confirm.Refused ?></p><?cs /if ?>
  <?cs if:Confirm.CheckOk ?><p class="flash" role="status"><?cs var:Confirm.CheckOk ?></p><?cs /if ?>
  <p><?cs var:Confirm.Explain ?></p>
  <form method="post" action="/admin/instances/<?cs var:url_escape(Instance.Id) ?>/<?cs var:Confirm.Action ?>">
    <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
    <input type="hidden" name="nonce" value="<?cs var:Confirm.nonce ?>">
    <button type="submit" name="do" value="<?cs var:Confirm.Action ?>"<?cs if:Confirm.Danger ?> class="danger"<?cs /if ?>><?cs var:Confirm.Button ?></button>
    <button type="submit" name="do" value="check" class="quiet">Check permissions (dry run)</button>
    <a href="/admin/instances/<?cs var:url_escape(Instance.Id) ?>">Cancel</a>
  </form>
</section>
<?cs include:"footer.cs" ?>
