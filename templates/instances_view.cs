<?cs # One EC2 instance (admin): what EC2 and forkcast know, its state history, the actions; kept current by /static/instances.js while forkcast follows it (meta refresh without scripts). ?>
<?cs include:"header.cs" ?>
<?cs include:"admin_nav.cs" ?>
<?cs if:Instance.Following ?><noscript><meta http-equiv="refresh" content="5"></noscript><?cs /if ?>
<h1><?cs var:Instance.Id ?><?cs if:Instance.Name ?> <span class="meta"><?cs var:Instance.Name ?></span><?cs /if ?></h1>
<div id="instance"<?cs if:Instance.Following ?> data-status-url="/admin/instances/<?cs var:url_escape(Instance.Id) ?>/status"<?cs /if ?>>
<?cs if:Instance.Message ?><p data-status="<?cs var:Instance.Status ?>" class="<?cs if:Instance.Status == "error" || Instance.Status == "ended" || Instance.Status == "timeout" || Instance.Status == "no-health" ?>form-error<?cs else ?>flash<?cs /if ?>" role="status" data-field="message"><?cs var:Instance.Message ?></p><?cs /if ?>
<?cs if:Instance.LiveError ?><p class="form-error" role="alert">EC2 could not be asked just now; this is what forkcast saw last. <?cs var:Instance.LiveError ?></p><?cs /if ?>
<dl>
  <dt>State</dt><dd><span class="tag<?cs if:Instance.State == "terminated" || Instance.State == "shutting-down" ?> bad<?cs /if ?>" data-field="state"><?cs if:Instance.State ?><?cs var:Instance.State ?><?cs else ?>unknown<?cs /if ?></span><?cs if:Instance.Following ?> <span class="meta">(following&hellip;)</span><?cs /if ?></dd>
  <?cs if:Instance.StateReason ?><dt>State reason</dt><dd data-field="reason"><?cs var:Instance.StateReason ?></dd><?cs /if ?>
  <dt>Public IP</dt><dd data-field="public_ip"><?cs if:Instance.PublicIp ?><?cs var:Instance.PublicIp ?><?cs else ?>none<?cs /if ?></dd>
  <dt>Private IP</dt><dd data-field="private_ip"><?cs if:Instance.PrivateIp ?><?cs var:Instance.PrivateIp ?><?cs else ?>none<?cs /if ?></dd>
  <?cs if:Instance.PublicDns ?><dt>Public DNS</dt><dd><?cs var:Instance.PublicDns ?></dd><?cs /if ?>
  <dt>Type</dt><dd><?cs var:Instance.Type ?></dd>
  <dt>AMI</dt><dd><?cs var:Instance.ImageId ?></dd>
  <?cs if:Instance.SubnetId ?><dt>Subnet</dt><dd><?cs var:Instance.SubnetId ?></dd><?cs /if ?>
  <?cs if:Instance.Zone ?><dt>Availability Zone</dt><dd><?cs var:Instance.Zone ?></dd><?cs /if ?>
  <?cs if:Instance.KeyName ?><dt>Key pair</dt><dd><?cs var:Instance.KeyName ?></dd><?cs /if ?>
  <?cs if:Instance.LaunchTime ?><dt>Launched</dt><dd><?cs var:Instance.LaunchTime ?></dd><?cs /if ?>
</dl>
<?cs if:subcount(Instance.Actions) ?>
<p class="actions"><?cs each:a = Instance.Actions ?><a class="button small<?cs if:a == "terminate" || a == "stop" ?> quiet<?cs /if ?>" href="/admin/instances/<?cs var:url_escape(Instance.Id) ?>/<?cs var:a ?>"><?cs if:a == "start" ?>Start<?cs elif:a == "stop" ?>Stop<?cs elif:a == "reboot" ?>Reboot<?cs else ?>Terminate<?cs /if ?>&hellip;</a> <?cs /each ?></p>
<?cs /if ?>
<section>
  <h2>State history</h2>
  <?cs if:Instance.Stored ?>
  <ol class="history" id="history">
  <?cs each:h = Instance.History ?><li><time datetime="<?cs var:h.At.Iso ?>"><?cs var:h.At ?></time> <strong><?cs if:h.State ?><?cs var:h.State ?><?cs else ?>note<?cs /if ?></strong><?cs if:h.Detail ?> &middot; <?cs var:h.Detail ?><?cs /if ?></li>
  <?cs /each ?></ol>
  <?cs else ?>
  <p class="empty">forkcast did not launch this instance, so it has no history of it yet (it starts one when you start, stop, reboot or terminate it here).</p>
  <?cs /if ?>
</section>
</div>
<p><a href="/admin/instances">&larr; Instances</a></p>
<?cs if:Instance.Following ?><script src="/static/instances.js" defer></script><?cs /if ?>
<?cs include:"footer.cs" ?>
