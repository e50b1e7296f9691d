<?cs # The admin Backups page (pages/backups.c): snapshots, the latest backup or restore, start one. ?>
<?cs include:"header.cs" ?>
<?cs include:"admin_nav.cs" ?>
<h1>Backups</h1>
<?cs if:Backups.NotConfigured ?>
<p class="empty">Backups are not configured. Set <code>Backup.Bucket</code> (and, if you like, <code>Backup.Prefix</code>, <code>Backup.KeyFile</code>) in <code>conf/forkcast.hdf</code>; see <code>docs/backup.md</code>.</p>
<?cs else ?>
<p class="meta">Repository <code><?cs var:Backups.Repository ?></code>. A backup copies the data folder (the database through SQLite's online backup, photos and the rest); only what changed is uploaded.</p>

<section id="status" aria-live="polite">
  <h2>Latest backup or restore</h2>
  <?cs if:Status.State ?>
  <dl class="summary" data-state="<?cs var:Status.State ?>">
    <dt>State</dt><dd><span class="tag<?cs if:Status.State == "failed" || Status.State == "interrupted" ?> bad<?cs /if ?>"><?cs var:Status.State ?></span> <?cs var:Status.Phase ?><?cs if:Status.Snapshot ?>, snapshot <code><?cs var:Status.Snapshot ?></code><?cs /if ?></dd>
    <dt>Progress</dt><dd><progress max="100" value="<?cs var:Status.Percent ?>"><?cs var:Status.Percent ?>%</progress> <?cs var:Status.FilesDone ?> of <?cs var:Status.FilesTotal ?> files, <?cs var:Status.BytesDone ?> of <?cs var:Status.BytesTotal ?> in <?cs var:Status.Seconds ?>&nbsp;s</dd>
    <?cs if:Status.Message ?><dt>Message</dt><dd><?cs var:Status.Message ?></dd><?cs /if ?>
    <dt>Updated</dt><dd><?cs var:Status.Updated ?></dd>
  </dl>
  <?cs if:Status.Running ?><p class="meta">This page refreshes itself until it ends.</p><?cs /if ?>
  <?cs else ?>
  <p class="empty">No backup has run from this page yet.</p>
  <?cs /if ?>
  <form method="post" action="/admin/backups/run">
    <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
    <button type="submit"<?cs if:Status.Running ?> disabled<?cs /if ?>>Back up now</button>
  </form>
</section>

<section>
  <h2>Snapshots</h2>
  <?cs if:Backups.Error ?><p class="form-error" role="alert"><?cs var:Backups.Error ?></p><?cs /if ?>
  <?cs if:subcount(Backups.Snapshots) ?>
  <div class="table-wrap" tabindex="0" role="region" aria-label="Snapshots">
  <table class="data snapshots">
    <thead><tr><th scope="col">Snapshot</th><th scope="col">Time</th><th scope="col">Files</th><th scope="col">Size</th><th scope="col">New</th><th scope="col">Restore to a folder</th></tr></thead>
    <tbody>
    <?cs each:s = Backups.Snapshots ?>
    <tr data-snapshot="<?cs var:s.Id ?>">
      <td><code><?cs var:s.Id ?></code></td>
      <td><?cs var:s.Time ?></td>
      <td><?cs var:s.Files ?></td>
      <td><?cs var:s.Bytes ?></td>
      <td><?cs var:s.NewBytes ?></td>
      <td>
        <form class="inline" method="post" action="/admin/backups/restore">
          <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
          <input type="hidden" name="snapshot" value="<?cs var:s.Id ?>">
          <input aria-label="Folder for snapshot <?cs var:s.Id ?>" name="folder" value="restore-<?cs var:s.Id ?>" maxlength="64" pattern="[A-Za-z0-9_][A-Za-z0-9._\-]*" required>
          <button type="submit"<?cs if:Status.Running ?> disabled<?cs /if ?>>Restore</button>
        </form>
      </td>
    </tr>
    <?cs /each ?>
    </tbody>
  </table>
  </div>
  <p class="meta">Restores go into <code><?cs var:Backups.RestoreRoot ?>/FOLDER</code> on the server; each file is checked against its SHA-256 before it is put in place.</p>
  <?cs elif:!Backups.Error ?>
  <p class="empty">No snapshot yet: press <em>Back up now</em>.</p>
  <?cs /if ?>
</section>

<?cs if:subcount(Jobs) ?>
<section>
  <h2>Recent jobs</h2>
  <div class="table-wrap" tabindex="0" role="region" aria-label="Recent jobs">
  <table class="data jobs">
    <thead><tr><th scope="col">Job</th><th scope="col">Type</th><th scope="col">State</th><th scope="col">Queued</th><th scope="col">Message</th></tr></thead>
    <tbody>
    <?cs each:j = Jobs ?>
    <tr><td><?cs var:j.Id ?></td><td><?cs var:j.Type ?></td><td><?cs var:j.State ?></td><td><?cs var:j.Created ?></td><td><?cs var:j.Message ?></td></tr>
    <?cs /each ?>
    </tbody>
  </table>
  </div>
</section>
<?cs /if ?>
<?cs /if ?>
<?cs include:"footer.cs" ?>
