<?cs include:"header.cs" ?>
<section class="narrow">
<h1><?cs if:Form.Step == 2 ?>Choose a new password<?cs else ?>Forgot your password?<?cs /if ?></h1>
<?cs if:Form.Notice ?><p class="flash" role="status"><?cs var:Form.Notice ?></p><?cs /if ?>
<?cs if:Form.Error ?><p class="form-error" role="alert"><?cs var:Form.Error ?></p><?cs /if ?>
<?cs if:Form.Mail ?>
<?cs if:!Form.Sent ?>
<p>Enter the e-mail address of your account: we will send it a link to choose a new password.</p>
<form method="post" action="/forgot" novalidate>
  <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
  <label for="email">E-mail address</label>
  <input id="email" name="email" type="email" value="<?cs var:Form.email ?>" autocomplete="email" required maxlength="254"<?cs if:Form.Errors.email ?> aria-invalid="true" aria-describedby="err-email"<?cs /if ?>>
  <?cs call:field_error("email") ?>
  <button type="submit">Send me a link</button>
</form>
<?cs /if ?>
<?cs elif:!Form.Codes ?>
<p>This site cannot e-mail you a code to reset your password. Ask the site's administrators for help.</p>
<?cs elif:Form.Step == 2 ?>
<form method="post" action="/forgot/reset" novalidate>
  <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
  <label for="username">Username</label>
  <input id="username" name="username" value="<?cs var:Form.username ?>" autocomplete="username" required maxlength="128"<?cs if:Form.Errors.username ?> aria-invalid="true" aria-describedby="err-username"<?cs /if ?>>
  <?cs call:field_error("username") ?>
  <label for="code">Code from the e-mail</label>
  <input id="code" name="code" value="<?cs var:Form.code ?>" inputmode="numeric" autocomplete="one-time-code" required maxlength="16"<?cs if:Form.Errors.code ?> aria-invalid="true" aria-describedby="err-code"<?cs /if ?>>
  <?cs call:field_error("code") ?>
  <label for="password">New password <span class="hint">(at least <?cs var:Form.MinLength ?> characters)</span></label>
  <input id="password" name="password" type="password" autocomplete="new-password" required<?cs if:Form.Errors.password ?> aria-invalid="true" aria-describedby="err-password"<?cs /if ?>>
  <?cs call:field_error("password") ?>
  <label for="password2">New password again</label>
  <input id="password2" name="password2" type="password" autocomplete="new-password" required<?cs if:Form.Errors.password2 ?> aria-invalid="true" aria-describedby="err-password2"<?cs /if ?>>
  <?cs call:field_error("password2") ?>
  <button type="submit">Set the new password</button>
</form>
<form method="post" action="/forgot">
  <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
  <input type="hidden" name="username" value="<?cs var:Form.username ?>">
  <p>No code? <button type="submit" class="link">Send me another one</button></p>
</form>
<?cs else ?>
<p>Enter your username: we will e-mail you a code to choose a new password.</p>
<form method="post" action="/forgot" novalidate>
  <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
  <label for="username">Username</label>
  <input id="username" name="username" value="<?cs var:Form.username ?>" autocomplete="username" required maxlength="128"<?cs if:Form.Errors.username ?> aria-invalid="true" aria-describedby="err-username"<?cs /if ?>>
  <?cs call:field_error("username") ?>
  <button type="submit">Send me a code</button>
</form>
<?cs /if ?>
<p><a href="/login">Back to log in</a></p>
</section>
<?cs include:"footer.cs" ?>
