<?cs include:"header.cs" ?>
<h1>Friends' feed</h1>
<p><a href="/friends/recommend">What your friends recommend</a></p>
<?cs if:subcount(Feed) ?>
<ol class="feed">
<?cs each:it = Feed ?>
  <li class="feed-item" id="item-<?cs var:it.Key ?>">
    <p><a href="/u/<?cs var:url_escape(it.Username) ?>"><?cs var:it.Name ?></a>
    <?cs if:it.Kind == "review" ?>rated <a href="/restaurants/<?cs var:it.RestaurantId ?>"><?cs var:it.Restaurant ?></a> <?cs call:stars(it.Stars) ?>
    <?cs else ?>wants to go to <a href="/restaurants/<?cs var:it.RestaurantId ?>"><?cs var:it.Restaurant ?></a><?cs /if ?>
    <span class="meta"><time datetime="<?cs var:it.Date.Iso ?>"><?cs var:it.Date ?></time><?cs if:it.Visited ?> &middot; visited in <time datetime="<?cs var:it.Visited ?>"><?cs var:it.Visited.Text ?></time><?cs /if ?></span></p>
    <?cs if:it.Body ?><p class="body"><?cs var:it.Body ?></p><?cs /if ?>
    <?cs if:it.Photo ?><img class="photo" src="/photos/<?cs var:it.Photo ?>" alt="Photo from <?cs var:it.Name ?>'s review of <?cs var:it.Restaurant ?>" loading="lazy"><?cs /if ?>
    <?cs if:it.Talk ?><?cs call:talk(it) ?><?cs /if ?>
  </li>
<?cs /each ?>
</ol>
<nav class="pager" aria-label="Feed pages">
  <?cs if:!FeedFirstPage ?><a href="/feed">&larr; Newest</a><?cs /if ?>
  <?cs if:FeedNext ?><a rel="next" href="/feed?after=<?cs var:FeedNext ?>">Older &rarr;</a><?cs /if ?>
</nav>
<?cs else ?>
<p class="empty"><?cs if:FeedFirstPage ?>Nothing here yet. <a href="/friends">Add friends</a> to see what they rate and want to try.<?cs else ?>That's everything. <a href="/feed">Back to the newest</a>.<?cs /if ?></p>
<?cs /if ?>
<?cs include:"footer.cs" ?>
