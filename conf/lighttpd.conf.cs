# lighttpd configuration for forkcast, rendered by `forkcast lighttpd-conf` from
# conf/lighttpd.conf.cs and conf/forkcast.hdf (with FORKCAST_* overrides).
server.modules = ("mod_access", "mod_fastcgi", "mod_alias", "mod_setenv", "mod_staticfile")
server.bind = "<?cs var:Server.Host ?>"
server.port = <?cs var:Server.Port ?>
server.document-root = "<?cs var:Root ?>/<?cs var:Static.Dir ?>"
server.errorlog = "<?cs var:Run.Dir ?>/lighttpd-error.log"
server.pid-file = "<?cs var:Run.Dir ?>/lighttpd.pid"
server.tag = "forkcast"
# lighttpd answers 413 itself above this (KB); forkcast's own limit (Limits.MaxBody) is lower
# so users see forkcast's page
server.max-request-size = <?cs var:Server.MaxRequestKB ?>
mimetype.assign = (".css" => "text/css; charset=utf-8", ".js" => "text/javascript",
                   ".png" => "image/png", ".jpg" => "image/jpeg", ".svg" => "image/svg+xml",
                   ".webp" => "image/webp", ".ico" => "image/x-icon", ".txt" => "text/plain")
static-file.exclude-extensions = (".fcgi")

# the security headers of every response, also of what lighttpd answers itself (static files,
# its own errors); the same values as cgi/core/response.c, which "set" replaces, not repeats
setenv.set-response-header = (
  "X-Content-Type-Options" => "nosniff",
  "X-Frame-Options" => "DENY",
  "Referrer-Policy" => "same-origin",
  "Content-Security-Policy" => "default-src 'self'; img-src 'self' data:<?cs if:Map.TileOrigin ?> <?cs var:Map.TileOrigin ?><?cs /if ?>; object-src 'none'; frame-ancestors 'none'; form-action 'self'"
)

# static files are served by lighttpd itself, and so is the favicon browsers ask for at the root
alias.url = ("/static/" => "<?cs var:Root ?>/<?cs var:Static.Dir ?>/",
             "/favicon.ico" => "<?cs var:Root ?>/<?cs var:Static.Dir ?>/favicon.ico")

$HTTP["url"] !~ "^/(static/|favicon\.ico$)" {
  fastcgi.server = ("/" => ((
    "bin-path" => "<?cs var:Run.FcgiBin ?>",
    "socket" => "<?cs var:Run.Dir ?>/forkcast.sock",
    "min-procs" => <?cs var:Server.Procs ?>,
    "max-procs" => <?cs var:Server.Procs ?>,
    "check-local" => "disable",
    "bin-environment" => ("FORKCAST_CONFIG" => "<?cs var:ConfigFile ?>", "FORKCAST_ROOT" => "<?cs var:Root ?>"),
    "fix-root-scriptname" => "enable"
  )))
}
