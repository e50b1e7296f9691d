<?cs include:"header.cs" ?>
<?cs if:App.User.Id ?>
<section class="hero">
  <h1><?cs if:Home.New ?>Welcome<?cs else ?>Welcome back<?cs /if ?>, <?cs var:App.User.Name ?></h1>
  <p><?cs if:Home.MyReviews > 0 ?>You have reviewed <?cs call:count(Home.MyReviews, "restaurant", "restaurants") ?>.<?cs else ?>You have not reviewed a restaurant yet.<?cs /if ?>
  <a href="/restaurants">Find a place to eat</a> or <a href="/u/<?cs var:url_escape(App.User.Username) ?>/edit">tell us what you like</a>.</p>
</section>
<section>
  <h2>Recommended for you</h2>
  <?cs if:subcount(Recs) ?>
  <ul class="cards recs"><?cs each:r = Recs ?><?cs call:rec_card(r) ?><?cs /each ?></ul>
  <?cs else ?>
  <p class="empty">Nothing to recommend yet: <a href="/restaurants">rate a few places</a> or <a href="/friends">add friends</a>.</p>
  <?cs /if ?>
</section>
<?cs else ?>
<section class="hero">
  <h1>Where should we eat?</h1>
  <p>forkcast recommends restaurants from what you and your friends love.
  <a class="button" href="/signup">Create an account</a> or <a href="/login">log in</a>.</p>
</section>
<?cs /if ?>
<?cs if:subcount(Trending) ?>
<section aria-labelledby="trending-h">
  <h2 id="trending-h">Trending among your friends</h2>
  <p class="meta">Places your friends rated 4 or 5 stars lately (their latest 200 such reviews), the most friends first. <a href="/friends/recommend">All time</a>.</p>
  <ul class="cards"><?cs each:r = Trending ?><li class="card">
    <a class="card-title" href="/restaurants/<?cs var:r.Id ?>"><?cs var:r.Name ?></a>
    <p class="meta"><?cs var:r.City ?></p>
    <p class="meta"><?cs call:stars(r.AvgRounded) ?> <?cs var:r.Avg ?> from <?cs var:r.Friends ?> friend<?cs if:r.Friends != 1 ?>s<?cs /if ?>: <?cs var:r.Who ?></p>
  </li><?cs /each ?></ul>
</section>
<?cs /if ?>
<section aria-labelledby="best-h">
  <h2 id="best-h">Best rated<?cs if:Home.City ?> in <?cs var:Home.City ?><?cs /if ?></h2>
  <p class="meta"><?cs if:Home.City ?>Near you (your home city), <?cs /if ?>by an average that weighs how many reviews there are, so one glowing review does not top the list. <?cs call:count(Home.RestaurantCount, "place", "places") ?> to try in all: <a href="/restaurants?sort=rating<?cs if:Home.City ?>&amp;city=<?cs var:url_escape(Home.City) ?><?cs /if ?>">see more</a>.</p>
  <ul class="cards"><?cs each:r = Featured ?><?cs call:rest_card(r) ?><?cs /each ?></ul>
</section>
<?cs include:"footer.cs" ?>
