<?cs include:"header.cs" ?>
<h1>Notifications</h1>
<?cs if:subcount(Notes) ?>
<form method="post" action="/notifications/read">
  <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
  <input type="hidden" name="next" value="/notifications">
  <button type="submit" class="small quiet">Mark all read</button>
</form>
<ol class="notes">
<?cs each:n = Notes ?>
  <li class="note<?cs if:n.Unread ?> unread<?cs /if ?>">
    <p><?cs if:n.Unread ?><span class="tag">new</span> <?cs /if ?><a href="/u/<?cs var:url_escape(n.Username) ?>"><?cs var:n.Name ?></a>
    <?cs if:n.Kind == "like" ?>liked your review of <a href="/restaurants/<?cs var:n.RestaurantId ?>#review-<?cs var:n.ReviewId ?>"><?cs var:n.Restaurant ?></a>
    <?cs elif:n.Kind == "comment" ?>commented on your review of <a href="/restaurants/<?cs var:n.RestaurantId ?>#review-<?cs var:n.ReviewId ?>"><?cs var:n.Restaurant ?></a>
    <?cs elif:n.Kind == "request" ?>sent you a friend request. <a href="/friends">See your requests</a>
    <?cs elif:n.Kind == "accept" ?>accepted your friend request: you are friends now.
    <?cs /if ?>
    <span class="meta"><time datetime="<?cs var:n.Date.Iso ?>"><?cs var:n.Date ?></time></span></p>
  </li>
<?cs /each ?>
</ol>
<?cs else ?>
<p class="empty">No notifications yet. When someone likes or comments on your reviews or asks to be your friend, it shows here.</p>
<?cs /if ?>
<?cs include:"footer.cs" ?>
