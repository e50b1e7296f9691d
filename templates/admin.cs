<?cs include:"header.cs" ?>
<?cs include:"admin_nav.cs" ?>
<h1>Admin</h1>
<div class="admin-tiles">
  <section class="admin-tile">
    <h2><a href="/admin/users">Users</a></h2>
    <?cs if:Admin.Users ?>
    <p><strong><?cs var:Admin.Users ?></strong> account<?cs if:Admin.Users != 1 ?>s<?cs /if ?> &middot; <a href="/admin/users?role=admin"><?cs var:Admin.Admins ?> administrator<?cs if:Admin.Admins != 1 ?>s<?cs /if ?></a> &middot; <a href="/admin/users?role=disabled"><?cs var:Admin.Disabled ?> disabled</a></p>
    <?cs /if ?>
    <p class="meta">Find people by name or e-mail, disable or enable accounts, grant or remove the administrator role.</p>
  </section>
  <section class="admin-tile">
    <h2><a href="/admin/health">Health and metrics</a></h2>
    <?cs if:Admin.Metrics ?>
    <p>Last hour: <strong><?cs var:Admin.Hour.Requests ?></strong> request<?cs if:Admin.Hour.Requests != 1 ?>s<?cs /if ?> &middot; <span<?cs if:Admin.Hour.Errors > 0 ?> class="bad"<?cs /if ?>><?cs call:count(Admin.Hour.Errors, "server error", "server errors") ?></span> &middot; p99 <?cs var:Admin.Hour.P99 ?> ms</p>
    <?cs /if ?>
    <p class="meta">Requests, status codes and latency per route, the database, AWS calls and recommendation fallbacks, with charts of the last hour.</p>
  </section>
  <section class="admin-tile">
    <h2><a href="/admin/instances">Instances</a></h2>
    <p class="meta">The servers running forkcast.</p>
  </section>
  <section class="admin-tile">
    <h2><a href="/admin/backups">Backups</a></h2>
    <p class="meta">Database backups: make one, list them, restore.</p>
  </section>
</div>
<?cs include:"footer.cs" ?>
