<?cs include:"header.cs" ?>
<?cs include:"admin_nav.cs" ?>
<?cs include:"admin_macros.cs" ?>
<h1>Users</h1>
<form class="search" method="get" action="/admin/users" role="search">
  <label for="q">Username, name or e-mail</label>
  <input id="q" name="q" value="<?cs var:Users.Query ?>" maxlength="100">
  <label for="role">Show</label>
  <select id="role" name="role">
    <option value="any"<?cs if:Users.Role == "any" ?> selected<?cs /if ?>>All users</option>
    <option value="admin"<?cs if:Users.Role == "admin" ?> selected<?cs /if ?>>Administrators</option>
    <option value="disabled"<?cs if:Users.Role == "disabled" ?> selected<?cs /if ?>>Disabled accounts</option>
  </select>
  <button type="submit">Search</button>
</form>
<?cs if:Users.Total > 0 ?>
<p class="meta">Showing <?cs var:Users.First ?>&ndash;<?cs var:Users.Last ?> of <?cs var:Users.Total ?>.</p>
<div class="table-wrap" tabindex="0" role="region" aria-label="Users">
<table class="data users">
  <thead><tr><th scope="col">User</th><th scope="col">E-mail</th><th scope="col">Joined</th><th scope="col">Status</th><th scope="col">Actions</th></tr></thead>
  <tbody>
  <?cs each:u = Users.List ?>
  <tr data-user="<?cs var:u.Username ?>"<?cs if:u.Disabled ?> class="disabled"<?cs /if ?>>
    <td><a href="/admin/users/<?cs var:url_escape(u.Username) ?>"><?cs var:u.Name ?></a> <span class="meta">@<?cs var:u.Username ?></span></td>
    <td><?cs var:u.Email ?></td>
    <td><time datetime="<?cs var:u.Created.Iso ?>"><?cs var:u.Created ?></time></td>
    <td><?cs if:u.Disabled ?><span class="tag bad">disabled</span><?cs /if ?> <?cs if:u.Admin ?><span class="tag">admin</span><?cs /if ?> <?cs if:u.Self ?><span class="tag">you</span><?cs /if ?></td>
    <td class="actions"><?cs call:admin_actions(u, Users.Here) ?></td>
  </tr>
  <?cs /each ?>
  </tbody>
</table>
</div>
<nav class="pager" aria-label="Pages">
  <?cs if:Users.Prev ?><a rel="prev" href="/admin/users?q=<?cs var:url_escape(Users.Query) ?>&amp;role=<?cs var:url_escape(Users.Role) ?>&amp;page=<?cs var:Users.Prev ?>">&larr; Previous</a><?cs /if ?>
  <span>Page <?cs var:Users.Page ?> of <?cs var:Users.Pages ?></span>
  <?cs if:Users.Next ?><a rel="next" href="/admin/users?q=<?cs var:url_escape(Users.Query) ?>&amp;role=<?cs var:url_escape(Users.Role) ?>&amp;page=<?cs var:Users.Next ?>">Next &rarr;</a><?cs /if ?>
</nav>
<?cs else ?>
<p class="empty">Nobody matches. Check the spelling, try part of the name, or <a href="/admin/users">list everyone</a>.</p>
<?cs /if ?>
<?cs include:"footer.cs" ?>
