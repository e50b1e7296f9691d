<?cs include:"macros.cs" ?><!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><?cs if:Page.Title ?><?cs var:Page.Title ?> &middot; <?cs /if ?>forkcast</title>
<link rel="icon" href="/favicon.ico" sizes="32x32">
<link rel="icon" href="/static/logo.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/style.css">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <nav aria-label="Main">
    <a class="brand" href="/"><img src="/static/logo.svg" alt="" width="28" height="28">forkcast</a>
    <a href="/restaurants">Restaurants</a>
    <?cs if:App.User.Id ?>
      <a href="/feed">Feed</a>
      <a href="/friends">Friends</a>
      <a href="/saved">Want to go</a>
      <a href="/notifications"<?cs if:App.Path == "/notifications" ?> aria-current="page"<?cs /if ?>>Notifications<?cs if:App.User.Unread > 0 ?> <span class="badge"><?cs var:App.User.Unread ?> new</span><?cs /if ?></a>
      <a href="/u/<?cs var:url_escape(App.User.Username) ?>">Profile</a>
      <?cs if:App.User.Admin ?><a href="/admin">Admin</a><?cs /if ?>
      <span class="who">Hi, <?cs var:App.User.Name ?></span>
      <form class="inline" method="post" action="/logout">
        <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
        <button type="submit" class="link">Log out</button>
      </form>
    <?cs else ?>
      <a href="/login">Log in</a>
      <a class="button" href="/signup">Sign up</a>
    <?cs /if ?>
  </nav>
</header>
<main id="main">
<?cs if:App.Flash ?><p class="flash" role="status"><?cs var:App.Flash ?></p><?cs /if ?>
