<?cs include:"header.cs" ?>
<section class="narrow">
<h1>Confirm your account</h1>
<?cs if:Form.Notice ?><p class="flash" role="status"><?cs var:Form.Notice ?></p><?cs /if ?>
<?cs if:Form.Error ?><p class="form-error" role="alert"><?cs var:Form.Error ?></p><?cs /if ?>
<p>We e-mailed you a code when you signed up. Enter it to finish creating your account.</p>
<form method="post" action="/confirm" novalidate>
  <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
  <label for="username">Username</label>
  <input id="username" name="username" value="<?cs var:Form.username ?>" autocomplete="username" required maxlength="128"<?cs if:Form.Errors.username ?> aria-invalid="true" aria-describedby="err-username"<?cs /if ?>>
  <?cs call:field_error("username") ?>
  <label for="code">Code</label>
  <input id="code" name="code" value="<?cs var:Form.code ?>" inputmode="numeric" autocomplete="one-time-code" required maxlength="16"<?cs if:Form.Errors.code ?> aria-invalid="true" aria-describedby="err-code"<?cs /if ?>>
  <?cs call:field_error("code") ?>
  <button type="submit">Confirm</button>
</form>
<form method="post" action="/confirm/resend">
  <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
  <input type="hidden" name="username" value="<?cs var:Form.username ?>">
  <p>No code, or it has expired? <button type="submit" class="link">Send me a new code</button></p>
</form>
<p>Already confirmed? <a href="/login">Log in</a>.</p>
</section>
<?cs include:"footer.cs" ?>
