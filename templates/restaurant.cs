<?cs include:"header.cs" ?>
<article class="restaurant">
  <img class="tile tile-large" src="/restaurants/<?cs var:Restaurant.Id ?>/tile.svg" alt="" width="120" height="120">
  <h1><?cs var:Restaurant.Name ?></h1>
  <?cs call:distance(Restaurant) ?>
  <p class="meta"><?cs each:cu = Restaurant.Cuisines ?><span class="tag"><?cs var:cu ?></span> <?cs /each ?><?cs if:Restaurant.Price ?><span class="price price-<?cs var:Restaurant.Price ?>"><?cs var:Restaurant.Price ?> price</span><?cs /if ?></p>
  <p class="rating"><?cs if:Restaurant.Reviews > 0 ?><?cs call:stars(Restaurant.AvgRounded) ?> <strong><?cs var:Restaurant.Avg ?></strong> from <?cs var:Restaurant.Reviews ?> review<?cs if:Restaurant.Reviews != 1 ?>s<?cs /if ?><?cs else ?>No reviews yet.<?cs /if ?></p>
  <?cs if:Friends.Rated ?><p class="friends-rated"><strong><?cs var:Friends.Rated ?> of your friends</strong> rated this (avg <?cs call:stars(Friends.AvgRounded) ?> <?cs var:Friends.Avg ?>)</p><?cs /if ?>
  <?cs if:App.User.Id ?>
  <form class="inline" method="post" action="/restaurants/<?cs var:Restaurant.Id ?>/<?cs if:Restaurant.Saved ?>unsave<?cs else ?>save<?cs /if ?>">
    <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
    <button type="submit"><?cs if:Restaurant.Saved ?>&#10003; On your want-to-go list (remove)<?cs else ?>+ Want to go<?cs /if ?></button>
  </form><?cs if:!Restaurant.Saved ?> <span class="hint"><?cs if:Restaurant.SavesPrivate ?>Only you see your list.<?cs else ?>Your friends will see it.<?cs /if ?></span><?cs /if ?>
  <?cs /if ?>
  <dl>
    <dt>Address</dt><dd><?cs if:Restaurant.Address ?><?cs var:Restaurant.Address ?><?cs else ?>Not known<?cs /if ?><?cs if:Restaurant.City ?>, <?cs var:Restaurant.City ?><?cs /if ?><?cs if:Restaurant.State ?>, <?cs var:Restaurant.State ?><?cs /if ?></dd>
    <?cs if:Restaurant.Lat ?><dt>Map</dt><dd><a href="https://www.openstreetmap.org/?mlat=<?cs var:Restaurant.Lat ?>&amp;mlon=<?cs var:Restaurant.Lon ?>#map=17/<?cs var:Restaurant.Lat ?>/<?cs var:Restaurant.Lon ?>" rel="noopener">Open in OpenStreetMap</a> (<?cs var:Restaurant.Lat ?>, <?cs var:Restaurant.Lon ?>)</dd><?cs /if ?>
    <dt>Hours</dt><dd><?cs if:Restaurant.Hours ?><?cs var:Restaurant.Hours ?><?cs else ?>Not known<?cs /if ?></dd>
    <?cs if:Restaurant.Alcohol ?><dt>Drinks</dt><dd><?cs var:Restaurant.Alcohol ?></dd><?cs /if ?>
    <?cs if:Restaurant.Smoking ?><dt>Smoking</dt><dd><?cs var:Restaurant.Smoking ?></dd><?cs /if ?>
  </dl>
</article>

<?cs if:subcount(Gallery) ?>
<section class="gallery" aria-labelledby="gallery-title">
  <h2 id="gallery-title">Photos</h2>
  <ul class="gallery-grid"><?cs each:g = Gallery ?><li><a href="/photos/<?cs var:g.Photo ?>"><img src="/photos/<?cs var:g.Photo ?>" alt="Photo from <?cs var:g.Name ?>'s review (full size)" loading="lazy"></a></li><?cs /each ?></ul>
</section>
<?cs /if ?>
<?cs if:Map.W ?>
<section class="where" aria-labelledby="where-title">
  <h2 id="where-title">Where it is</h2>
  <?cs include:"map.cs" ?>
</section>
<?cs /if ?>

<section id="my-review" class="narrow">
<?cs if:App.User.Id ?>
  <h2><?cs if:Mine.Id ?>Your review<?cs else ?>Write a review<?cs /if ?></h2>
  <?cs if:subcount(Form.Errors) ?><p class="form-error" role="alert">Please correct the marked field; nothing was saved.</p><?cs /if ?>
  <form method="post" enctype="multipart/form-data" action="<?cs if:Mine.Id ?>/reviews/<?cs var:Mine.Id ?>/edit<?cs else ?>/restaurants/<?cs var:Restaurant.Id ?>/review<?cs /if ?>">
    <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
    <fieldset class="star-input"<?cs if:Form.Errors.stars ?> aria-describedby="err-stars"<?cs /if ?>>
      <legend>Stars</legend>
      <?cs loop:i = 5, 1, -1 ?><input type="radio" id="star<?cs var:i ?>" name="stars" value="<?cs var:i ?>"<?cs if:Mine.Stars == i ?> checked<?cs /if ?>><label for="star<?cs var:i ?>" title="<?cs var:i ?> stars"><span class="sr"><?cs var:i ?> stars</span></label><?cs /loop ?>
    </fieldset>
    <?cs call:field_error("stars") ?>
    <label for="body">Your review <span class="hint">(optional, at most <?cs var:Limits.MaxReview ?> characters)</span></label>
    <textarea id="body" name="body" rows="4" maxlength="<?cs var:Limits.MaxReview ?>"<?cs if:Form.Errors.body ?> aria-invalid="true" aria-describedby="err-body"<?cs /if ?>><?cs var:Mine.Body ?></textarea>
    <?cs call:field_error("body") ?>
    <label for="visited">When you went <span class="hint">(optional: month and year, e.g. 2024-05)</span></label>
    <input id="visited" name="visited" type="month" max="<?cs var:Limits.VisitedMax ?>" value="<?cs var:Mine.Visited ?>"<?cs if:Form.Errors.visited ?> aria-invalid="true" aria-describedby="err-visited"<?cs /if ?>>
    <?cs call:field_error("visited") ?>
    <label for="photo">Photo <span class="hint">(optional: JPEG, PNG or WebP)</span></label>
    <input id="photo" name="photo" type="file" accept="image/jpeg,image/png,image/webp"<?cs if:Form.Errors.photo ?> aria-invalid="true" aria-describedby="err-photo"<?cs /if ?>>
    <?cs call:field_error("photo") ?>
    <?cs if:Mine.Photo ?><p><img class="photo" src="/photos/<?cs var:Mine.Photo ?>" alt="Your photo"> <label class="choice"><input type="checkbox" name="remove_photo" value="1"> Remove this photo</label></p><?cs /if ?>
    <button type="submit"><?cs if:Mine.Id ?>Update review<?cs else ?>Post review<?cs /if ?></button>
  </form>
  <?cs if:Mine.Id ?>
  <p><a class="button quiet" href="/reviews/<?cs var:Mine.Id ?>/delete">Delete your review</a></p>
  <?cs /if ?>
<?cs else ?>
  <p><a href="/login?next=/restaurants/<?cs var:Restaurant.Id ?>">Log in</a> to review this place or save it for later.</p>
<?cs /if ?>
</section>

<?cs if:subcount(Similar) ?>
<section>
  <h2>More like this</h2>
  <ul class="cards"><?cs each:r = Similar ?><?cs call:rest_card(r) ?><?cs /each ?></ul>
</section>
<?cs /if ?>
<section id="reviews">
  <h2>Reviews</h2>
  <?cs if:Restaurant.Reviews > 0 ?>
  <h3 id="dist-h">How people rated it</h3>
  <ul class="distribution" aria-labelledby="dist-h">
    <?cs each:d = Distribution ?><li><span><?cs var:d.Stars ?> star<?cs if:d.Stars != 1 ?>s<?cs /if ?></span> <meter min="0" max="<?cs var:Restaurant.Reviews ?>" value="<?cs var:d.Count ?>" aria-label="<?cs var:d.Stars ?> star<?cs if:d.Stars != 1 ?>s<?cs /if ?>: <?cs var:d.Count ?> of <?cs var:Restaurant.Reviews ?> reviews"><?cs var:d.Count ?> of <?cs var:Restaurant.Reviews ?></meter> <span class="n"><?cs var:d.Count ?></span></li><?cs /each ?>
  </ul>
  <?cs /if ?>
  <?cs if:subcount(Reviews) ?>
  <ul class="reviews"><?cs each:rv = Reviews ?><?cs call:review(rv) ?><?cs /each ?></ul>
  <?cs if:ReviewPage.Prev || ReviewPage.Next ?>
  <nav class="pager" aria-label="Pages of reviews">
    <?cs if:ReviewPage.Prev ?><a rel="prev" href="/restaurants/<?cs var:Restaurant.Id ?>?page=<?cs var:ReviewPage.Prev ?>#reviews">&larr; Previous reviews</a><?cs /if ?>
    <span>Page <?cs var:ReviewPage.Page ?></span>
    <?cs if:ReviewPage.Next ?><a rel="next" href="/restaurants/<?cs var:Restaurant.Id ?>?page=<?cs var:ReviewPage.Next ?>#reviews">More reviews &rarr;</a><?cs /if ?>
  </nav>
  <?cs /if ?>
  <?cs else ?>
  <p class="empty">No reviews you can see yet. Be the first to tell others about it.</p>
  <?cs /if ?>
</section>
<?cs include:"footer.cs" ?>
