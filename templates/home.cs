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
<section>
  <h2><?cs if:App.User.Id ?>All restaurants<?cs else ?>Restaurants<?cs /if ?></h2>
  <p><?cs call:count(Home.RestaurantCount, "place", "places") ?> to try. <a href="/restaurants">See them all</a>.</p>
  <ul class="cards"><?cs each:r = Featured ?><?cs call:rest_card(r) ?><?cs /each ?></ul>
</section>
<?cs include:"footer.cs" ?>
