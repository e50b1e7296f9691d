<?cs include:"header.cs" ?>
<section class="profile">
  <h1><?cs var:Profile.Name ?> <span class="meta">@<?cs var:Profile.Username ?></span></h1>
  <?cs if:Profile.Hidden ?>
    <p>This profile is visible to friends only.</p>
  <?cs else ?>
    <?cs if:Profile.Bio ?><p class="bio"><?cs var:Profile.Bio ?></p><?cs /if ?>
    <dl>
      <dt>Home city</dt><dd><?cs alt:Profile.City ?>Not given<?cs /alt ?></dd>
      <dt>Favourite cuisines</dt><dd><?cs if:subcount(Profile.Cuisines) ?><?cs each:cu = Profile.Cuisines ?><span class="tag"><?cs var:cu ?></span> <?cs /each ?><?cs else ?>Not given<?cs /if ?></dd>
      <dt>Price</dt><dd><?cs alt:Profile.Price ?>Any<?cs /alt ?></dd>
      <dt>Reviews</dt><dd><?cs alt:Profile.ReviewCount ?>0<?cs /alt ?></dd>
      <dt>Visible to</dt><dd><?cs if:Profile.Visibility == "friends" ?>Friends only<?cs else ?>Everyone<?cs /if ?></dd>
    </dl>
  <?cs /if ?>
  <?cs if:Profile.Self ?><p><a class="button" href="/u/<?cs var:url_escape(Profile.Username) ?>/edit">Edit your profile</a></p><?cs /if ?>
</section>
<?cs include:"footer.cs" ?>
