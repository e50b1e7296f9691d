<?cs # Shared macros: star ratings, form field errors. ?>
<?cs def:stars(n) ?><span class="stars" aria-label="<?cs var:n ?> of 5 stars"><?cs loop:i = 1, 5, 1 ?><?cs if:i <= n ?>&#9733;<?cs else ?>&#9734;<?cs /if ?><?cs /loop ?></span><?cs /def ?>
<?cs def:field_error(name) ?><?cs if:Form.Errors[name] ?><p class="field-error" id="err-<?cs var:name ?>" role="alert"><?cs var:Form.Errors[name] ?></p><?cs /if ?><?cs /def ?>
<?cs def:rest_card(r) ?><li class="card">
  <a class="card-title" href="/restaurants/<?cs var:r.Id ?>"><?cs var:r.Name ?></a>
  <p class="meta"><?cs if:r.City ?><?cs var:r.City ?><?cs /if ?><?cs if:r.Price ?> &middot; <span class="price price-<?cs var:r.Price ?>"><?cs var:r.Price ?></span><?cs /if ?></p>
  <p class="meta"><?cs each:cu = r.Cuisines ?><span class="tag"><?cs var:cu ?></span> <?cs /each ?></p>
  <p class="meta"><?cs if:r.Reviews > 0 ?><?cs call:stars(r.AvgRounded) ?> <?cs var:r.Avg ?> (<?cs var:r.Reviews ?> reviews)<?cs else ?>No reviews yet<?cs /if ?></p>
</li><?cs /def ?>
