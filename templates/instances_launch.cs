<?cs # The launch form (admin): RunInstances with a ClientToken derived from this form's submission id, so sending it twice launches once. ?>
<?cs include:"header.cs" ?>
<?cs include:"admin_nav.cs" ?>
<section class="narrow">
<h1>Launch an instance</h1>
<?cs if:Form.AppHost ?><p>An app host of this site: the user data below installs the current release (<code>forkcast release upload</code>) and serves this site's table, bucket and accounts. Choose an image with Debian 12, give the instance a role with <code>conf/iam-app-host.json</code>, and register it behind the load balancer once it is running (docs/deploy.md).</p><?cs /if ?>
<?cs if:Form.Error ?><p class="form-error" role="alert"><?cs var:Form.Error ?></p><?cs /if ?>
<?cs if:Form.CheckOk ?><p class="flash" role="status"><?cs var:Form.CheckOk ?></p><?cs /if ?>
<form method="post" action="/admin/instances/launch" novalidate>
  <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
  <input type="hidden" name="nonce" value="<?cs var:Form.nonce ?>">
  <label for="image_id">AMI id</label>
  <input id="image_id" name="image_id" value="<?cs var:Form.image_id ?>" required maxlength="64" placeholder="ami-0123456789abcdef0"<?cs if:Form.Errors.image_id ?> aria-invalid="true" aria-describedby="err-image_id"<?cs /if ?>>
  <?cs call:field_error("image_id") ?>
  <label for="instance_type">Instance type</label>
  <input id="instance_type" name="instance_type" value="<?cs var:Form.instance_type ?>" required maxlength="32"<?cs if:Form.Errors.instance_type ?> aria-invalid="true" aria-describedby="err-instance_type"<?cs /if ?>>
  <?cs call:field_error("instance_type") ?>
  <label for="count">How many <span class="hint">(1 to <?cs var:Form.MaxCount ?>; all or none are launched)</span></label>
  <input id="count" name="count" type="number" min="1" max="<?cs var:Form.MaxCount ?>" value="<?cs var:Form.count ?>"<?cs if:Form.Errors.count ?> aria-invalid="true" aria-describedby="err-count"<?cs /if ?>>
  <?cs call:field_error("count") ?>
  <label for="name">Name tag <span class="hint">(optional)</span></label>
  <input id="name" name="name" value="<?cs var:Form.name ?>" maxlength="255"<?cs if:Form.Errors.name ?> aria-invalid="true" aria-describedby="err-name"<?cs /if ?>>
  <?cs call:field_error("name") ?>
  <label for="tags">Other tags <span class="hint">(one KEY=VALUE per line)</span></label>
  <textarea id="tags" name="tags" rows="3"<?cs if:Form.Errors.tags ?> aria-invalid="true" aria-describedby="err-tags"<?cs /if ?>><?cs var:Form.tags ?></textarea>
  <?cs call:field_error("tags") ?>
  <label for="key_name">Key pair <span class="hint">(optional)</span></label>
  <input id="key_name" name="key_name" value="<?cs var:Form.key_name ?>" maxlength="255"<?cs if:Form.Errors.key_name ?> aria-invalid="true" aria-describedby="err-key_name"<?cs /if ?>>
  <?cs call:field_error("key_name") ?>
  <label for="security_groups">Security groups <span class="hint">(ids sg-... or names, comma-separated; optional)</span></label>
  <input id="security_groups" name="security_groups" value="<?cs var:Form.security_groups ?>"<?cs if:Form.Errors.security_groups ?> aria-invalid="true" aria-describedby="err-security_groups"<?cs /if ?>>
  <?cs call:field_error("security_groups") ?>
  <label for="subnet_id">Subnet <span class="hint">(optional: the default subnet otherwise)</span></label>
  <input id="subnet_id" name="subnet_id" value="<?cs var:Form.subnet_id ?>" maxlength="64"<?cs if:Form.Errors.subnet_id ?> aria-invalid="true" aria-describedby="err-subnet_id"<?cs /if ?>>
  <?cs call:field_error("subnet_id") ?>
  <label for="user_data">User data <span class="hint">(a script run at first boot; optional, 16 KB at most)</span></label>
  <textarea id="user_data" name="user_data" rows="5"<?cs if:Form.Errors.user_data ?> aria-invalid="true" aria-describedby="err-user_data"<?cs /if ?>><?cs var:Form.user_data ?></textarea>
  <?cs call:field_error("user_data") ?>
  <button type="submit" name="do" value="launch">Launch</button>
  <button type="submit" name="do" value="check" class="quiet">Check permissions (dry run)</button>
</form>
<p class="meta">Launching answers at once; the instance page then follows the instance until it is running with its public IP.</p>
<p><a href="/admin/instances">&larr; Instances</a></p>
</section>
<?cs include:"footer.cs" ?>
