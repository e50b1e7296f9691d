<?cs # Shared macros: star ratings, form field errors. ?>
<?cs def:stars(n) ?><span class="stars" aria-label="<?cs var:n ?> of 5 stars"><?cs loop:i = 1, 5, 1 ?><?cs if:i <= n ?>&#9733;<?cs else ?>&#9734;<?cs /if ?><?cs /loop ?></span><?cs /def ?>
<?cs def:distance(r) ?><?cs if:r.Km ?><p class="distance"><?cs var:r.Km ?> km from <?cs var:r.KmFrom ?></p><?cs /if ?><?cs /def ?>
<?cs def:field_error(name) ?><?cs if:Form.Errors[name] ?><p class="field-error" id="err-<?cs var:name ?>" role="alert"><?cs var:Form.Errors[name] ?></p><?cs /if ?><?cs /def ?>
<?cs def:rest_card(r) ?><li class="card">
  <img class="tile" src="/restaurants/<?cs var:r.Id ?>/tile.svg" alt="" width="64" height="64" loading="lazy">
  <a class="card-title" href="/restaurants/<?cs var:r.Id ?>"><?cs var:r.Name ?></a>
  <?cs call:distance(r) ?>
  <p class="meta"><?cs if:r.City ?><?cs var:r.City ?><?cs /if ?><?cs if:r.Price ?> &middot; <span class="price price-<?cs var:r.Price ?>"><?cs var:r.Price ?></span><?cs /if ?></p>
  <p class="meta"><?cs each:cu = r.Cuisines ?><span class="tag"><?cs var:cu ?></span> <?cs /each ?></p>
  <p class="meta"><?cs if:r.Reviews > 0 ?><?cs call:stars(r.AvgRounded) ?> <?cs var:r.Avg ?> (<?cs var:r.Reviews ?> reviews)<?cs else ?>No reviews yet<?cs /if ?></p>
</li><?cs /def ?>
<?cs def:friend_button(action, username, label, next) ?><form class="inline" method="post" action="/friends/<?cs var:action ?>">
  <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
  <input type="hidden" name="username" value="<?cs var:username ?>">
  <input type="hidden" name="next" value="<?cs var:next ?>">
  <button type="submit" class="small<?cs if:action == "block" || action == "remove" ?> quiet<?cs /if ?>"><?cs var:label ?></button>
</form><?cs /def ?>
<?cs def:person(p, next) ?><li class="person">
  <a href="/u/<?cs var:url_escape(p.Username) ?>"><?cs var:p.Name ?></a> <span class="meta">@<?cs var:p.Username ?><?cs if:p.City ?> &middot; <?cs var:p.City ?><?cs /if ?><?cs if:p.Mutual > 0 ?> &middot; <?cs var:p.Mutual ?> mutual friend<?cs if:p.Mutual != 1 ?>s<?cs /if ?><?cs /if ?></span>
</li><?cs /def ?>
<?cs def:review(rv) ?><li class="review<?cs if:rv.ByFriend ?> by-friend<?cs /if ?>">
  <p><?cs call:stars(rv.Stars) ?> <a href="/u/<?cs var:url_escape(rv.Username) ?>"><?cs var:rv.Name ?></a><?cs if:rv.ByFriend ?> <span class="tag">friend</span><?cs /if ?> <span class="meta"><time datetime="<?cs var:rv.Date.Iso ?>"><?cs var:rv.Date ?></time><?cs if:rv.Visited ?> &middot; visited in <time datetime="<?cs var:rv.Visited ?>"><?cs var:rv.Visited.Text ?></time><?cs /if ?></span></p>
  <?cs if:rv.Body ?><p class="body"><?cs var:rv.Body ?></p><?cs /if ?>
  <?cs if:rv.Photo ?><img class="photo" src="/photos/<?cs var:rv.Photo ?>" alt="Photo from <?cs var:rv.Name ?>'s review" loading="lazy"><?cs /if ?>
</li><?cs /def ?>
<?cs def:why(r) ?><p class="why"><?cs if:r.Why == "friends" ?>Rated <?cs var:r.FriendStars ?>&#9733; by <a href="/u/<?cs var:url_escape(r.Friends.0.Username) ?>"><?cs var:r.Friends.0.Name ?></a><?cs if:r.FriendOthers > 0 ?> and <?cs var:r.FriendOthers ?> other friend<?cs if:r.FriendOthers != 1 ?>s<?cs /if ?><?cs /if ?><?cs elif:r.Why == "because" ?>Because you liked <a href="/restaurants/<?cs var:r.Because.Id ?>"><?cs var:r.Because.Name ?></a><?cs elif:r.Why == "popular-city" ?>Popular in <?cs var:r.WhyCity ?><?cs elif:r.Why == "cuisine" ?>Matches your love of <?cs var:r.WhyCuisine ?> food<?cs elif:r.Why == "personalized" ?>Picked for you from your activity<?cs else ?>Popular on forkcast<?cs /if ?></p><?cs /def ?>
<?cs def:rec_card(r) ?><li class="card">
  <img class="tile" src="/restaurants/<?cs var:r.Id ?>/tile.svg" alt="" width="64" height="64" loading="lazy">
  <a class="card-title" href="/restaurants/<?cs var:r.Id ?>"><?cs var:r.Name ?></a>
  <?cs call:why(r) ?>
  <p class="meta"><?cs if:r.City ?><?cs var:r.City ?><?cs /if ?><?cs if:r.Price ?> &middot; <?cs var:r.Price ?><?cs /if ?><?cs each:cu = r.Cuisines ?> &middot; <?cs var:cu ?><?cs /each ?></p>
  <p class="meta"><?cs if:r.Reviews > 0 ?><?cs call:stars(r.AvgRounded) ?> <?cs var:r.Avg ?> (<?cs var:r.Reviews ?>)<?cs else ?>No reviews yet<?cs /if ?></p>
</li><?cs /def ?>
