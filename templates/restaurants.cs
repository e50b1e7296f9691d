<?cs include:"header.cs" ?>
<h1>Restaurants</h1>
<form class="search" method="get" action="/restaurants" role="search">
  <label for="q">Name</label>
  <input id="q" name="q" value="<?cs var:Search.q ?>" maxlength="100">
  <label for="cuisine">Cuisine</label>
  <select id="cuisine" name="cuisine">
    <option value="">Any</option>
    <?cs each:cu = Choices.Cuisines ?><option<?cs if:cu == Search.cuisine ?> selected<?cs /if ?>><?cs var:cu ?></option><?cs /each ?>
  </select>
  <label for="price">Price</label>
  <select id="price" name="price">
    <option value="">Any</option>
    <option value="low"<?cs if:Search.price == "low" ?> selected<?cs /if ?>>Low</option>
    <option value="medium"<?cs if:Search.price == "medium" ?> selected<?cs /if ?>>Medium</option>
    <option value="high"<?cs if:Search.price == "high" ?> selected<?cs /if ?>>High</option>
  </select>
  <label for="city">City</label>
  <select id="city" name="city">
    <option value="">Any</option>
    <?cs each:ci = Choices.Cities ?><option<?cs if:ci == Search.city ?> selected<?cs /if ?>><?cs var:ci ?></option><?cs /each ?>
  </select>
  <button type="submit">Search</button>
</form>
<?cs if:Search.Total > 0 ?>
<p class="meta">Showing <?cs var:Search.First ?>&ndash;<?cs var:Search.Last ?> of <?cs var:Search.Total ?>.</p>
<ul class="cards"><?cs each:r = Results ?><?cs call:rest_card(r) ?><?cs /each ?></ul>
<?cs if:Map.W ?><section class="where" aria-label="Map of the results"><?cs include:"map.cs" ?></section><?cs /if ?>
<nav class="pager" aria-label="Pages">
  <?cs if:Search.Prev ?><a rel="prev" href="/restaurants?q=<?cs var:url_escape(Search.q) ?>&amp;cuisine=<?cs var:url_escape(Search.cuisine) ?>&amp;price=<?cs var:url_escape(Search.price) ?>&amp;city=<?cs var:url_escape(Search.city) ?>&amp;page=<?cs var:Search.Prev ?>">&larr; Previous</a><?cs /if ?>
  <span>Page <?cs var:Search.Page ?> of <?cs var:Search.Pages ?></span>
  <?cs if:Search.Next ?><a rel="next" href="/restaurants?q=<?cs var:url_escape(Search.q) ?>&amp;cuisine=<?cs var:url_escape(Search.cuisine) ?>&amp;price=<?cs var:url_escape(Search.price) ?>&amp;city=<?cs var:url_escape(Search.city) ?>&amp;page=<?cs var:Search.Next ?>">Next &rarr;</a><?cs /if ?>
</nav>
<?cs else ?>
<p class="empty">No restaurant matches. Try fewer filters, or <a href="/restaurants">see them all</a>.</p>
<?cs /if ?>
<?cs include:"footer.cs" ?>
