<?cs include:"header.cs" ?>
<h1>Restaurants</h1>
<form class="search" method="get" action="/restaurants" role="search">
  <div class="field">
    <label for="q">Name</label>
    <input id="q" name="q" value="<?cs var:Search.q ?>" maxlength="100">
  </div>
  <div class="field">
    <label for="cuisine">Cuisine</label>
    <select id="cuisine" name="cuisine">
      <option value="">Any</option>
      <?cs each:cu = Choices.Cuisines ?><option<?cs if:cu == Search.cuisine ?> selected<?cs /if ?>><?cs var:cu ?></option><?cs /each ?>
    </select>
  </div>
  <div class="field">
    <label for="price">Price</label>
    <select id="price" name="price">
      <option value="">Any</option>
      <option value="low"<?cs if:Search.price == "low" ?> selected<?cs /if ?>>Low</option>
      <option value="medium"<?cs if:Search.price == "medium" ?> selected<?cs /if ?>>Medium</option>
      <option value="high"<?cs if:Search.price == "high" ?> selected<?cs /if ?>>High</option>
    </select>
  </div>
  <div class="field">
    <label for="city">City</label>
    <select id="city" name="city">
      <option value="">Any</option>
      <?cs each:ci = Choices.Cities ?><option<?cs if:ci == Search.city ?> selected<?cs /if ?>><?cs var:ci ?></option><?cs /each ?>
    </select>
  </div>
  <div class="field">
    <label for="sort">Sort by</label>
    <select id="sort" name="sort">
      <option value="name"<?cs if:Search.sort == "name" ?> selected<?cs /if ?>>Name</option>
      <option value="rating"<?cs if:Search.sort == "rating" ?> selected<?cs /if ?>>Best rated</option>
      <option value="reviews"<?cs if:Search.sort == "reviews" ?> selected<?cs /if ?>>Most reviewed</option>
      <option value="nearest"<?cs if:Search.sort == "nearest" ?> selected<?cs /if ?>>Nearest</option>
      <?cs if:App.User.Id ?><option value="friends"<?cs if:Search.sort == "friends" ?> selected<?cs /if ?>>Friends' rating</option><?cs /if ?>
    </select>
  </div>
  <div class="field field-check">
    <input id="open" name="open" type="checkbox" value="1"<?cs if:Search.open == "1" ?> checked<?cs /if ?>>
    <label for="open">Open now</label>
  </div>
  <?cs if:Search.near ?><input type="hidden" name="near" value="<?cs var:Search.near ?>"><?cs /if ?>
  <?cs if:Search.open_at ?><input type="hidden" name="open_at" value="<?cs var:Search.open_at ?>"><?cs /if ?>
  <button type="submit">Search</button>
</form>
<?cs set:qs = "q=" + url_escape(Search.q) + "&cuisine=" + url_escape(Search.cuisine) + "&price=" + url_escape(Search.price) + "&city=" + url_escape(Search.city) + "&sort=" + url_escape(Search.sort) ?>
<?cs if:Search.near ?><?cs set:qs = qs + "&near=" + url_escape(Search.near) ?><?cs /if ?>
<?cs if:Search.open ?><?cs set:qs = qs + "&open=1" ?><?cs /if ?>
<?cs if:Search.open_at ?><?cs set:qs = qs + "&open_at=" + url_escape(Search.open_at) ?><?cs /if ?>
<?cs if:Search.Total > 0 ?>
<p class="meta">Showing <?cs var:Search.First ?>&ndash;<?cs var:Search.Last ?> of <?cs var:Search.Total ?><?cs if:Search.sort == "rating" ?>, best rated first (an average that weighs how many reviews there are)<?cs elif:Search.sort == "reviews" ?>, most reviewed first<?cs elif:Search.sort == "nearest" ?>, nearest first from <?cs if:Search.NearFrom == "point" ?>the point you gave<?cs else ?>the centre of <?cs var:Search.NearFrom ?><?cs /if ?><?cs elif:Search.sort == "friends" ?>, your friends' favourites first<?cs /if ?><?cs if:Search.open ?>; open now<?cs /if ?>.</p>
<ul class="cards"><?cs each:r = Results ?><?cs call:rest_card(r) ?><?cs /each ?></ul>
<?cs if:Map.W ?><section class="where" aria-label="Map of the results"><?cs include:"map.cs" ?></section><?cs /if ?>
<nav class="pager" aria-label="Pages">
  <?cs if:Search.Prev ?><a rel="prev" href="/restaurants?<?cs var:qs ?>&amp;page=<?cs var:Search.Prev ?>">&larr; Previous</a><?cs /if ?>
  <span>Page <?cs var:Search.Page ?> of <?cs var:Search.Pages ?></span>
  <?cs if:Search.Next ?><a rel="next" href="/restaurants?<?cs var:qs ?>&amp;page=<?cs var:Search.Next ?>">Next &rarr;</a><?cs /if ?>
</nav>
<?cs else ?>
<p class="empty">No restaurant matches. Try fewer filters, or <a href="/restaurants">see them all</a>.</p>
<?cs /if ?>
<?cs include:"footer.cs" ?>
