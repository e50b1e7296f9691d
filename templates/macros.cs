<?cs # Shared macros: star ratings, form field errors. ?>
<?cs def:stars(n) ?><span class="stars" role="img" aria-label="<?cs var:n ?> of 5 stars"><?cs loop:i = 1, 5, 1 ?><?cs if:i <= n ?>&#9733;<?cs else ?>&#9734;<?cs /if ?><?cs /loop ?></span><?cs /def ?>
<?cs # count(n, one, many): "1 review", "2 reviews", "0 reviews" (n empty counts as 0) ?>
<?cs def:count(n, one, many) ?><?cs if:n ?><?cs var:n ?><?cs else ?>0<?cs /if ?> <?cs if:n == 1 ?><?cs var:one ?><?cs else ?><?cs var:many ?><?cs /if ?><?cs /def ?>
<?cs def:distance(r) ?><?cs if:r.Km ?><p class="distance"><?cs var:r.Km ?> km from <?cs var:r.KmFrom ?></p><?cs /if ?><?cs /def ?>
<?cs def:field_error(name) ?><?cs if:Form.Errors[name] ?><p class="field-error" id="err-<?cs var:name ?>" role="alert"><?cs var:Form.Errors[name] ?></p><?cs /if ?><?cs /def ?>
<?cs def:rest_card(r) ?><li class="card">
  <img class="tile" src="/restaurants/<?cs var:r.Id ?>/tile.svg" alt="" width="64" height="64" loading="lazy">
  <a class="card-title" href="/restaurants/<?cs var:r.Id ?>"><?cs var:r.Name ?></a>
  <?cs call:distance(r) ?>
  <p class="meta"><?cs if:r.City ?><?cs var:r.City ?><?cs /if ?><?cs if:r.Price ?> &middot; <span class="price price-<?cs var:r.Price ?>"><?cs var:r.Price ?></span><?cs /if ?></p>
  <p class="meta"><?cs each:cu = r.Cuisines ?><span class="tag"><?cs var:cu ?></span> <?cs /each ?></p>
  <p class="meta"><?cs if:r.Reviews > 0 ?><?cs call:stars(r.AvgRounded) ?> <?cs var:r.Avg ?> (<?cs call:count(r.Reviews, "review", "reviews") ?>)<?cs else ?>No reviews yet<?cs /if ?></p>
  <?cs if:r.FriendsRated ?><p class="meta friends-rated">Your friends: <?cs var:r.FriendsAvg ?> from <?cs var:r.FriendsRated ?> friend<?cs if:r.FriendsRated != 1 ?>s<?cs /if ?></p><?cs /if ?>
</li><?cs /def ?>
<?cs def:friend_button(action, username, label, next) ?><?cs if:action == "block" || action == "remove" ?><a class="button small quiet" href="/friends/<?cs var:action ?>?username=<?cs var:url_escape(username) ?>&amp;next=<?cs var:url_escape(next) ?>"><?cs var:label ?></a><?cs else ?><form class="inline" method="post" action="/friends/<?cs var:action ?>">
  <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
  <input type="hidden" name="username" value="<?cs var:username ?>">
  <input type="hidden" name="next" value="<?cs var:next ?>">
  <button type="submit" class="small"><?cs var:label ?></button>
</form><?cs /if ?><?cs /def ?>
<?cs # a person in a list: person_open, then the actions (inside the card), then person_close ?>
<?cs def:person_open(p) ?><li class="person">
  <div class="who"><a href="/u/<?cs var:url_escape(p.Username) ?>"><?cs var:p.Name ?></a> <span class="meta">@<?cs var:p.Username ?><?cs if:p.City ?> &middot; <?cs var:p.City ?><?cs /if ?><?cs if:p.Mutual > 0 ?> &middot; <?cs var:p.Mutual ?> mutual friend<?cs if:p.Mutual != 1 ?>s<?cs /if ?><?cs /if ?></span></div>
  <div class="actions"><?cs /def ?>
<?cs def:person_close() ?></div></li><?cs /def ?>
<?cs def:person(p, next) ?><?cs call:person_open(p) ?><?cs call:person_close() ?><?cs /def ?>
<?cs # Likes and comments of a review (pages/talk.c): counts, like button, and on the restaurant page (Inline) the comments and a comment form; the feed links there. ?>
<?cs def:talk(rv) ?><div class="talk" id="review-<?cs var:rv.TalkId ?>">
  <p class="talk-counts"><span class="likes"><?cs var:rv.Likes ?> like<?cs if:rv.Likes != 1 ?>s<?cs /if ?></span> &middot; <?cs if:rv.Inline ?><span class="comment-count"><?cs var:rv.CommentCount ?> comment<?cs if:rv.CommentCount != 1 ?>s<?cs /if ?></span><?cs else ?><a class="comment-count" href="/restaurants/<?cs var:rv.RestaurantId ?>#review-<?cs var:rv.TalkId ?>"><?cs var:rv.CommentCount ?> comment<?cs if:rv.CommentCount != 1 ?>s<?cs /if ?></a><?cs /if ?></p>
  <?cs if:App.User.Id ?><form class="inline like" method="post" action="/reviews/<?cs var:rv.TalkId ?>/<?cs if:rv.Liked ?>unlike<?cs else ?>like<?cs /if ?>">
    <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
    <input type="hidden" name="next" value="<?cs var:rv.Back ?>">
    <button type="submit" class="small<?cs if:rv.Liked ?> quiet<?cs /if ?>" aria-pressed="<?cs if:rv.Liked ?>true<?cs else ?>false<?cs /if ?>"><?cs if:rv.Liked ?>&#9829; Liked<?cs else ?>&#9825; Like<?cs /if ?></button>
  </form><?cs /if ?>
  <?cs if:rv.Inline ?>
  <?cs if:subcount(rv.Thread) ?><ol class="comments" aria-label="Comments on <?cs var:rv.Name ?>'s review">
  <?cs each:cm = rv.Thread ?><li class="comment" id="comment-<?cs var:cm.Id ?>">
    <p><a href="/u/<?cs var:url_escape(cm.Username) ?>"><?cs var:cm.Name ?></a> <span class="meta"><time datetime="<?cs var:cm.Date.Iso ?>"><?cs var:cm.Date ?></time></span></p>
    <p class="body"><?cs var:cm.Body ?></p>
    <?cs if:cm.CanDelete ?><form class="inline" method="post" action="/comments/<?cs var:cm.Id ?>/delete">
      <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
      <input type="hidden" name="next" value="<?cs var:rv.Back ?>">
      <button type="submit" class="link">Delete comment</button>
    </form><?cs /if ?>
  </li><?cs /each ?>
  </ol><?cs /if ?>
  <?cs if:App.User.Id ?><form class="comment-form" method="post" action="/reviews/<?cs var:rv.TalkId ?>/comments">
    <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
    <input type="hidden" name="next" value="<?cs var:rv.Back ?>">
    <label for="comment-body-<?cs var:rv.TalkId ?>">Comment on <?cs var:rv.Name ?>'s review</label>
    <textarea id="comment-body-<?cs var:rv.TalkId ?>" name="body" rows="2" maxlength="<?cs var:Limits.MaxComment ?>" required></textarea>
    <button type="submit" class="small">Post comment</button>
  </form><?cs /if ?>
  <?cs /if ?>
</div><?cs /def ?>
<?cs def:review(rv) ?><li class="review<?cs if:rv.ByFriend ?> by-friend<?cs /if ?>">
  <p><?cs call:stars(rv.Stars) ?> <a href="/u/<?cs var:url_escape(rv.Username) ?>"><?cs var:rv.Name ?></a><?cs if:rv.ByFriend ?> <span class="tag">friend</span><?cs /if ?> <span class="meta"><time datetime="<?cs var:rv.Date.Iso ?>"><?cs var:rv.Date ?></time><?cs if:rv.Visited ?> &middot; visited in <time datetime="<?cs var:rv.Visited ?>"><?cs var:rv.Visited.Text ?></time><?cs /if ?></span></p>
  <?cs if:rv.Body ?><p class="body"><?cs var:rv.Body ?></p><?cs /if ?>
  <?cs if:rv.Photo ?><img class="photo" src="/photos/<?cs var:rv.Photo ?>" alt="Photo from <?cs var:rv.Name ?>'s review" loading="lazy"><?cs /if ?>
  <?cs if:rv.Talk ?><?cs call:talk(rv) ?><?cs /if ?>
</li><?cs /def ?>
<?cs def:why(r) ?><p class="why"><?cs if:r.Why == "friends" ?>Rated <?cs var:r.FriendStars ?>&#9733; by <a href="/u/<?cs var:url_escape(r.Friends.0.Username) ?>"><?cs var:r.Friends.0.Name ?></a><?cs if:r.FriendOthers > 0 ?> and <?cs var:r.FriendOthers ?> other friend<?cs if:r.FriendOthers != 1 ?>s<?cs /if ?><?cs /if ?><?cs elif:r.Why == "because" ?>Because you liked <a href="/restaurants/<?cs var:r.Because.Id ?>"><?cs var:r.Because.Name ?></a><?cs elif:r.Why == "popular-city" ?>Popular in <?cs var:r.WhyCity ?><?cs elif:r.Why == "cuisine" ?>You like <?cs var:r.WhyCuisine ?><?cs elif:r.Why == "personalized" ?>Picked for you from your activity<?cs else ?>Popular on forkcast<?cs /if ?></p><?cs /def ?>
<?cs def:rec_card(r) ?><li class="card">
  <img class="tile" src="/restaurants/<?cs var:r.Id ?>/tile.svg" alt="" width="64" height="64" loading="lazy">
  <a class="card-title" href="/restaurants/<?cs var:r.Id ?>"><?cs var:r.Name ?></a>
  <?cs call:why(r) ?>
  <p class="meta"><?cs if:r.City ?><?cs var:r.City ?><?cs /if ?><?cs if:r.Price ?> &middot; <?cs var:r.Price ?><?cs /if ?><?cs each:cu = r.Cuisines ?> &middot; <?cs var:cu ?><?cs /each ?></p>
  <p class="meta"><?cs if:r.Reviews > 0 ?><?cs call:stars(r.AvgRounded) ?> <?cs var:r.Avg ?> (<?cs var:r.Reviews ?>)<?cs else ?>No reviews yet<?cs /if ?></p>
</li><?cs /def ?>
