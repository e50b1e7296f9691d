<?cs include:"header.cs" ?>
<h1>Friends recommend</h1>
<p class="meta">Places your friends rated 4 or 5 stars, most friends first, then the most recent.</p>
<?cs if:subcount(Recs) ?>
<ol class="recs">
<?cs each:r = Recs ?>
  <li class="card">
    <a class="card-title" href="/restaurants/<?cs var:r.Id ?>"><?cs var:r.Name ?></a> <span class="meta"><?cs var:r.City ?></span>
    <p><?cs call:stars(r.AvgRounded) ?> <?cs var:r.Avg ?> from <?cs var:r.Friends ?> friend<?cs if:r.Friends != 1 ?>s<?cs /if ?>: <?cs var:r.Who ?></p>
    <p class="meta">Latest <time datetime="<?cs var:r.Date.Iso ?>"><?cs var:r.Date ?></time></p>
  </li>
<?cs /each ?>
</ol>
<?cs else ?>
<p class="empty">Your friends haven't rated anything 4 or 5 stars yet. <a href="/friends">Find more friends</a>.</p>
<?cs /if ?>
<?cs include:"footer.cs" ?>
