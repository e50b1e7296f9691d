<?cs include:"header.cs" ?>
<article class="restaurant">
  <h1><?cs var:Restaurant.Name ?></h1>
  <p class="meta"><?cs each:cu = Restaurant.Cuisines ?><span class="tag"><?cs var:cu ?></span> <?cs /each ?><?cs if:Restaurant.Price ?><span class="price price-<?cs var:Restaurant.Price ?>"><?cs var:Restaurant.Price ?> price</span><?cs /if ?></p>
  <p class="rating"><?cs if:Restaurant.Reviews > 0 ?><?cs call:stars(Restaurant.AvgRounded) ?> <strong><?cs var:Restaurant.Avg ?></strong> from <?cs var:Restaurant.Reviews ?> reviews<?cs else ?>No reviews yet.<?cs /if ?></p>
  <dl>
    <dt>Address</dt><dd><?cs alt:Restaurant.Address ?>Not known<?cs /alt ?><?cs if:Restaurant.City ?>, <?cs var:Restaurant.City ?><?cs /if ?><?cs if:Restaurant.State ?>, <?cs var:Restaurant.State ?><?cs /if ?></dd>
    <?cs if:Restaurant.Lat ?><dt>Map</dt><dd><a href="https://www.openstreetmap.org/?mlat=<?cs var:Restaurant.Lat ?>&amp;mlon=<?cs var:Restaurant.Lon ?>#map=17/<?cs var:Restaurant.Lat ?>/<?cs var:Restaurant.Lon ?>" rel="noopener">Open in OpenStreetMap</a> (<?cs var:Restaurant.Lat ?>, <?cs var:Restaurant.Lon ?>)</dd><?cs /if ?>
    <dt>Hours</dt><dd><?cs alt:Restaurant.Hours ?>Not known<?cs /alt ?></dd>
    <?cs if:Restaurant.Alcohol ?><dt>Drinks</dt><dd><?cs var:Restaurant.Alcohol ?></dd><?cs /if ?>
    <?cs if:Restaurant.Smoking ?><dt>Smoking</dt><dd><?cs var:Restaurant.Smoking ?></dd><?cs /if ?>
  </dl>
</article>
<?cs include:"footer.cs" ?>
