<?cs # Admin console macros: a user's action buttons (destructive ones go through a confirmation page). ?>
<?cs def:admin_actions(u, next) ?><?cs if:u.Disabled ?><form class="inline" method="post" action="/admin/users/<?cs var:url_escape(u.Username) ?>/enable">
    <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
    <input type="hidden" name="next" value="<?cs var:next ?>">
    <button type="submit" class="small">Enable</button>
  </form><?cs elif:!u.Self ?><a class="button small quiet" href="/admin/users/<?cs var:url_escape(u.Username) ?>/disable?next=<?cs var:url_escape(next) ?>">Disable&hellip;</a><?cs /if ?>
  <?cs if:u.Admin ?><?cs if:!u.Self ?><a class="button small quiet" href="/admin/users/<?cs var:url_escape(u.Username) ?>/remove-admin?next=<?cs var:url_escape(next) ?>">Remove admin&hellip;</a><?cs /if ?><?cs else ?><a class="button small" href="/admin/users/<?cs var:url_escape(u.Username) ?>/make-admin?next=<?cs var:url_escape(next) ?>">Make admin&hellip;</a><?cs /if ?><?cs /def ?>
