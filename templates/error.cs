<?cs include:"header.cs" ?>
<section class="error">
  <h1><?cs var:Error.Status ?> &middot; <?cs var:Error.Title ?></h1>
  <p><?cs var:Error.Message ?></p>
  <p><a href="/">Go to the front page</a> or <a href="/restaurants">browse restaurants</a>.</p>
  <p class="meta">Request id: <code><?cs var:App.RequestId ?></code></p>
</section>
<?cs include:"footer.cs" ?>
