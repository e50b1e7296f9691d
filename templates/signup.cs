<?cs include:"header.cs" ?>
<section class="narrow">
<h1>Create your account</h1>
<?cs if:Form.Error ?><p class="form-error" role="alert"><?cs var:Form.Error ?></p><?cs /if ?>
<form method="post" action="/signup" novalidate>
  <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
  <label for="username">Username</label>
  <input id="username" name="username" value="<?cs var:Form.username ?>" autocomplete="username" required maxlength="32"<?cs if:Form.Errors.username ?> aria-invalid="true" aria-describedby="err-username"<?cs /if ?>>
  <?cs call:field_error("username") ?>
  <label for="email">E-mail</label>
  <input id="email" name="email" type="email" value="<?cs var:Form.email ?>" autocomplete="email" required<?cs if:Form.Errors.email ?> aria-invalid="true" aria-describedby="err-email"<?cs /if ?>>
  <?cs call:field_error("email") ?>
  <label for="display_name">Display name <span class="hint">(optional)</span></label>
  <input id="display_name" name="display_name" value="<?cs var:Form.display_name ?>" maxlength="60">
  <?cs call:field_error("display_name") ?>
  <label for="password">Password <span class="hint">(at least <?cs var:Form.MinLength ?> characters)</span></label>
  <input id="password" name="password" type="password" autocomplete="new-password" required<?cs if:Form.Errors.password ?> aria-invalid="true" aria-describedby="err-password"<?cs /if ?>>
  <?cs call:field_error("password") ?>
  <label for="password2">Password again</label>
  <input id="password2" name="password2" type="password" autocomplete="new-password" required<?cs if:Form.Errors.password2 ?> aria-invalid="true" aria-describedby="err-password2"<?cs /if ?>>
  <?cs call:field_error("password2") ?>
  <button type="submit">Sign up</button>
</form>
<p>Already have an account? <a href="/login">Log in</a>.</p>
</section>
<?cs include:"footer.cs" ?>
