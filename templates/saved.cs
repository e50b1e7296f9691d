<?cs include:"header.cs" ?>
<h1>Want to go</h1>
<?cs if:subcount(Saved) ?>
<ul class="cards"><?cs each:r = Saved ?><?cs call:rest_card(r) ?><?cs /each ?></ul>
<?cs else ?>
<p class="empty">Your list is empty. Press &ldquo;+ Want to go&rdquo; on a <a href="/restaurants">restaurant</a> to keep it here.</p>
<?cs /if ?>
<?cs include:"footer.cs" ?>
