<?cs include:"header.cs" ?>
<section class="narrow confirm">
  <h1><?cs var:Confirm.Question ?></h1>
  <p><?cs var:Confirm.Explain ?></p>
  <form method="post" action="<?cs var:Confirm.Action ?>">
    <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
    <?cs if:Confirm.Field ?><input type="hidden" name="<?cs var:Confirm.Field ?>" value="<?cs var:Confirm.Value ?>"><?cs /if ?>
    <input type="hidden" name="next" value="<?cs var:Confirm.Next ?>">
    <button type="submit" class="danger"><?cs var:Confirm.Button ?></button>
    <a href="<?cs var:Confirm.Next ?>">Cancel</a>
  </form>
</section>
<?cs include:"footer.cs" ?>
