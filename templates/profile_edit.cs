<?cs include:"header.cs" ?>
<section class="narrow">
<h1>Edit your profile</h1>
<?cs if:subcount(Form.Errors) ?><p class="form-error" role="alert">Please correct the marked field.</p><?cs /if ?>
<form method="post" enctype="multipart/form-data" action="/u/<?cs var:url_escape(Form.Username) ?>/edit">
  <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
  <label for="display_name">Display name</label>
  <input id="display_name" name="display_name" value="<?cs var:Form.Name ?>" maxlength="60" required<?cs if:Form.Errors.display_name ?> aria-invalid="true" aria-describedby="err-display_name"<?cs /if ?>>
  <?cs call:field_error("display_name") ?>
  <label for="photo">Your picture <span class="hint">(optional: JPEG, PNG or WebP; without one, your initials)</span></label>
  <p class="avatar-edit"><img class="avatar" src="/u/<?cs var:url_escape(Form.Username) ?>/avatar" alt="Your picture now" width="48" height="48"></p>
  <input id="photo" name="photo" type="file" accept="image/jpeg,image/png,image/webp"<?cs if:Form.Errors.photo ?> aria-invalid="true" aria-describedby="err-photo"<?cs /if ?>>
  <?cs call:field_error("photo") ?>
  <?cs if:Form.AvatarPhoto ?><label class="choice"><input type="checkbox" name="remove_photo" value="1"> Remove your picture (your initials instead)</label><?cs /if ?>
  <label for="bio">About you</label>
  <textarea id="bio" name="bio" rows="4" maxlength="1000"<?cs if:Form.Errors.bio ?> aria-invalid="true" aria-describedby="err-bio"<?cs /if ?>><?cs var:Form.Bio ?></textarea>
  <?cs call:field_error("bio") ?>
  <label for="city">Home city</label>
  <input id="city" name="city" value="<?cs var:Form.City ?>" maxlength="80"<?cs if:Form.Errors.city ?> aria-invalid="true" aria-describedby="err-city"<?cs /if ?>>
  <?cs call:field_error("city") ?>
  <label for="price">Price you prefer</label>
  <select id="price" name="price">
    <option value=""<?cs if:!Form.Price ?> selected<?cs /if ?>>Any</option>
    <option value="low"<?cs if:Form.Price == "low" ?> selected<?cs /if ?>>Low</option>
    <option value="medium"<?cs if:Form.Price == "medium" ?> selected<?cs /if ?>>Medium</option>
    <option value="high"<?cs if:Form.Price == "high" ?> selected<?cs /if ?>>High</option>
  </select>
  <?cs call:field_error("price") ?>
  <fieldset>
    <legend>Favourite cuisines</legend>
    <div class="choices">
    <?cs each:cu = Choices.Cuisines ?>
      <label class="choice"><input type="checkbox" name="cuisine" value="<?cs var:cu ?>"<?cs if:cu.Checked ?> checked<?cs /if ?>> <?cs var:cu ?></label>
    <?cs /each ?>
    </div>
  </fieldset>
  <?cs call:field_error("cuisines") ?>
  <fieldset>
    <legend>Who can see your profile and reviews</legend>
    <label class="choice"><input type="radio" name="visibility" value="public"<?cs if:Form.Visibility != "friends" ?> checked<?cs /if ?>> Everyone</label>
    <label class="choice"><input type="radio" name="visibility" value="friends"<?cs if:Form.Visibility == "friends" ?> checked<?cs /if ?>> Friends only</label>
  </fieldset>
  <?cs call:field_error("visibility") ?>
  <fieldset>
    <legend>Your want-to-go list</legend>
    <label class="choice"><input type="checkbox" name="saves_private" value="1"<?cs if:Form.SavesPrivate ?> checked<?cs /if ?>> Keep my want-to-go list private (friends don't see your saves in their feed)</label>
  </fieldset>
  <button type="submit">Save</button>
</form>
<p><a href="/account/password">Change your password</a></p>
</section>
<?cs include:"footer.cs" ?>
