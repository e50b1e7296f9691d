<?cs include:"header.cs" ?>
<section class="profile">
  <img class="avatar avatar-large" src="/u/<?cs var:url_escape(Profile.Username) ?>/avatar" alt="" width="96" height="96">
  <h1><?cs var:Profile.Name ?> <span class="meta">@<?cs var:Profile.Username ?></span></h1>
  <?cs if:App.User.Id && !Profile.Self ?><div class="actions">
    <?cs if:Profile.Mutual > 0 ?><span class="meta"><?cs var:Profile.Mutual ?> mutual friend<?cs if:Profile.Mutual != 1 ?>s<?cs /if ?></span><?cs /if ?>
    <?cs set:next = "/u/" + Profile.Username ?>
    <?cs if:Profile.Blocked ?><?cs call:friend_button("unblock", Profile.Username, "Unblock", next) ?>
    <?cs elif:Profile.Friend ?><span class="tag">Friends</span> <?cs call:friend_button("remove", Profile.Username, "Unfriend", next) ?>
    <?cs elif:Profile.RequestIn ?><?cs call:friend_button("accept", Profile.Username, "Accept friend request", next) ?> <?cs call:friend_button("decline", Profile.Username, "Decline", next) ?>
    <?cs elif:Profile.RequestOut ?><span class="meta">Friend request sent</span> <?cs call:friend_button("cancel", Profile.Username, "Cancel request", next) ?>
    <?cs else ?><?cs call:friend_button("request", Profile.Username, "Add friend", next) ?><?cs /if ?>
    <?cs if:!Profile.Blocked ?><?cs call:friend_button("block", Profile.Username, "Block", next) ?><?cs /if ?>
  </div><?cs /if ?>
  <?cs if:Profile.Hidden ?>
    <p>This profile is visible to friends only.</p>
  <?cs else ?>
    <?cs if:Profile.Bio ?><p class="bio"><?cs var:Profile.Bio ?></p><?cs /if ?>
    <dl>
      <dt>Home city</dt><dd><?cs if:Profile.City ?><?cs var:Profile.City ?><?cs else ?>Not given<?cs /if ?></dd>
      <dt>Favourite cuisines</dt><dd><?cs if:subcount(Profile.Cuisines) ?><?cs each:cu = Profile.Cuisines ?><span class="tag"><?cs var:cu ?></span> <?cs /each ?><?cs else ?>Not given<?cs /if ?></dd>
      <dt>Price</dt><dd><?cs if:Profile.Price ?><?cs var:Profile.Price ?><?cs else ?>Any<?cs /if ?></dd>
      <dt>Reviews</dt><dd><?cs if:Profile.ReviewCount ?><?cs var:Profile.ReviewCount ?><?cs else ?>0<?cs /if ?></dd>
      <dt>Visible to</dt><dd><?cs if:Profile.Visibility == "friends" ?>Friends only<?cs else ?>Everyone<?cs /if ?></dd>
    </dl>
  <?cs /if ?>
  <?cs if:!Profile.Hidden ?>
  <h2>Reviews</h2>
  <?cs if:subcount(Reviews) ?><ul class="reviews"><?cs each:rv = Reviews ?><li class="review"><p><?cs call:stars(rv.Stars) ?> <a href="/restaurants/<?cs var:rv.RestaurantId ?>"><?cs var:rv.Restaurant ?></a> <span class="meta"><time datetime="<?cs var:rv.Date.Iso ?>"><?cs var:rv.Date ?></time></span></p><?cs if:rv.Body ?><p class="body"><?cs var:rv.Body ?></p><?cs /if ?><?cs if:rv.Photo ?><img class="photo" src="/photos/<?cs var:rv.Photo ?>" alt="Photo from this review" loading="lazy"><?cs /if ?></li><?cs /each ?></ul>
  <?cs else ?><p class="empty">No reviews yet.</p><?cs /if ?>
  <?cs /if ?>
  <?cs if:Profile.Self ?><p><a class="button" href="/u/<?cs var:url_escape(Profile.Username) ?>/edit">Edit your profile</a></p><?cs /if ?>
</section>
<?cs include:"footer.cs" ?>
