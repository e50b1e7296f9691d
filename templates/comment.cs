<?cs include:"header.cs" ?>
<h1>Your comment</h1>
<p>On <a href="/u/<?cs var:url_escape(Review.Username) ?>"><?cs var:Review.Name ?></a>'s review of <a href="/restaurants/<?cs var:Review.RestaurantId ?>#review-<?cs var:Review.Id ?>"><?cs var:Review.Restaurant ?></a>:</p>
<?cs if:Review.Body ?><blockquote class="body"><?cs var:Review.Body ?></blockquote><?cs /if ?>
<form class="comment-form narrow" method="post" action="/reviews/<?cs var:Review.Id ?>/comments">
  <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
  <input type="hidden" name="next" value="<?cs var:Comment.Next ?>">
  <label for="body">Comment <span class="hint">(at most <?cs var:Limits.MaxComment ?> characters)</span></label>
  <textarea id="body" name="body" rows="4" aria-describedby="err-body"<?cs if:Form.Errors.body ?> aria-invalid="true"<?cs /if ?>><?cs var:Comment.Body ?></textarea>
  <?cs call:field_error("body") ?>
  <button type="submit">Post comment</button>
</form>
<?cs include:"footer.cs" ?>
