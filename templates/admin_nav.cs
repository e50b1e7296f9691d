<?cs # The admin console's own navigation, included at the top of every admin page. ?>
<nav class="admin-nav" aria-label="Admin">
  <a href="/admin"<?cs if:App.Path == "/admin" ?> aria-current="page"<?cs /if ?>>Dashboard</a>
  <a href="/admin/users"<?cs if:string.slice(App.Path, 0, 12) == "/admin/users" ?> aria-current="page"<?cs /if ?>>Users</a>
  <a href="/admin/health"<?cs if:App.Path == "/admin/health" ?> aria-current="page"<?cs /if ?>>Health</a>
  <a href="/admin/instances">Instances</a>
  <a href="/admin/backups">Backups</a>
</nav>
