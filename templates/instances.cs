<?cs # The EC2 instances list (admin): what DescribeInstances reports, by state and tag, and the launches forkcast follows. ?>
<?cs include:"header.cs" ?>
<?cs include:"admin_nav.cs" ?>
<h1>Instances</h1>
<p><a class="button" href="/admin/instances/launch">Launch an instance</a> <a class="button" href="/admin/instances/launch?as=app-host">Add app host</a></p>
<form class="search" method="get" action="/admin/instances" role="search">
  <label for="state">State</label>
  <select id="state" name="state">
    <option value=""<?cs if:!Instances.State ?> selected<?cs /if ?>>Any state</option>
    <?cs each:s = Instances.States ?><option value="<?cs var:s ?>"<?cs if:Instances.State == s ?> selected<?cs /if ?>><?cs var:s ?></option><?cs /each ?>
  </select>
  <label for="tag">Tag <span class="hint">(KEY=VALUE or KEY)</span></label>
  <input id="tag" name="tag" value="<?cs var:Instances.Tag ?>" maxlength="300">
  <button type="submit">Filter</button>
</form>
<?cs if:Instances.NotConfigured ?>
<p class="empty" role="status"><?cs var:Instances.NotConfigured ?></p>
<?cs elif:Instances.Error ?>
<p class="form-error" role="alert">Could not list the instances: <?cs var:Instances.Error ?></p>
<?cs elif:Instances.Count > 0 ?>
<p class="meta"><?cs var:Instances.Count ?> instance<?cs if:Instances.Count != 1 ?>s<?cs /if ?> (<?cs var:Instances.Pages ?> page<?cs if:Instances.Pages != 1 ?>s<?cs /if ?> from EC2).</p>
<div class="table-wrap" tabindex="0" role="region" aria-label="Instances">
<table class="data instances">
  <thead><tr><th scope="col">Instance</th><th scope="col">Name</th><th scope="col">Type</th><th scope="col">State</th><th scope="col">Public IP</th><th scope="col">Launched</th></tr></thead>
  <tbody>
  <?cs each:i = Instances.List ?>
  <tr data-instance="<?cs var:i.Id ?>" data-state="<?cs var:i.State ?>">
    <td><a href="/admin/instances/<?cs var:url_escape(i.Id) ?>"><?cs var:i.Id ?></a></td>
    <td><?cs var:i.Name ?></td>
    <td><?cs var:i.Type ?></td>
    <td><span class="tag<?cs if:i.State == "terminated" || i.State == "shutting-down" ?> bad<?cs /if ?>"><?cs var:i.State ?></span></td>
    <td><?cs if:i.PublicIp ?><?cs var:i.PublicIp ?><?cs else ?>&mdash;<?cs /if ?></td>
    <td><?cs var:i.LaunchTime ?></td>
  </tr>
  <?cs /each ?>
  </tbody>
</table>
</div>
<?cs elif:Instances.Listed ?>
<p class="empty">No instances<?cs if:Instances.State || Instances.Tag ?> match this filter. <a href="/admin/instances">Show all</a>.<?cs else ?> in this region yet.<?cs /if ?></p>
<?cs /if ?>
<?cs if:subcount(Instances.Mine) ?>
<section>
  <h2>Launched and followed by forkcast</h2>
  <div class="table-wrap" tabindex="0" role="region" aria-label="Instances launched by forkcast">
  <table class="data">
    <thead><tr><th scope="col">Instance</th><th scope="col">Name</th><th scope="col">State</th><th scope="col">Public IP</th><th scope="col">Status</th><th scope="col">Since</th></tr></thead>
    <tbody>
    <?cs each:i = Instances.Mine ?>
    <tr data-mine="<?cs var:i.Id ?>">
      <td><a href="/admin/instances/<?cs var:url_escape(i.Id) ?>"><?cs var:i.Id ?></a></td>
      <td><?cs var:i.Name ?></td>
      <td><?cs var:i.State ?></td>
      <td><?cs if:i.PublicIp ?><?cs var:i.PublicIp ?><?cs else ?>&mdash;<?cs /if ?></td>
      <td><?cs var:i.Message ?></td>
      <td><time datetime="<?cs var:i.Created.Iso ?>"><?cs var:i.Created ?></time></td>
    </tr>
    <?cs /each ?>
    </tbody>
  </table>
  </div>
</section>
<?cs /if ?>
<?cs include:"footer.cs" ?>
