<?cs include:"header.cs" ?>
<?cs include:"admin_nav.cs" ?>
<?cs def:ms(v) ?><?cs var:v ?>&nbsp;ms<?cs /def ?>
<h1>Health and metrics</h1>
<p class="meta">At <time datetime="<?cs var:Health.Now.Iso ?>"><?cs var:Health.NowText ?></time>, summed over every FastCGI process (<?cs var:Health.Procs ?> configured; each adds its figures to the store every <?cs var:Health.FlushSeconds ?>&nbsp;s and when it stops). Kept for <?cs var:Health.KeepHours ?>&nbsp;hours. Server time is measured from the request's arrival to its response.</p>
<?cs if:Health.FlushError ?><p class="form-error" role="alert"><?cs var:Health.FlushError ?></p><?cs /if ?>
<nav class="tabs" aria-label="Window">
  Tables cover:
  <a href="/admin/health?window=1h"<?cs if:Health.Window == "1h" ?> aria-current="page"<?cs /if ?>>the last hour</a>
  <a href="/admin/health?window=24h"<?cs if:Health.Window == "24h" ?> aria-current="page"<?cs /if ?>>the last 24 hours</a>
</nav>

<?cs if:Health.Metrics ?>
<section>
  <h2>Requests</h2>
  <dl class="summary" id="summary" data-count="<?cs var:Health.Total.Count ?>">
    <dt>Requests</dt><dd><?cs var:Health.Total.Count ?></dd>
    <dt>By class</dt><dd><?cs var:Health.Total.C2xx ?> 2xx &middot; <?cs var:Health.Total.C3xx ?> 3xx &middot; <?cs var:Health.Total.C4xx ?> 4xx &middot; <span<?cs if:Health.Total.C5xx > 0 ?> class="bad"<?cs /if ?>><?cs var:Health.Total.C5xx ?> 5xx</span></dd>
    <dt>Server time</dt><dd>p50 <?cs call:ms(Health.Total.P50) ?> &middot; p90 <?cs call:ms(Health.Total.P90) ?> &middot; p99 <?cs call:ms(Health.Total.P99) ?> &middot; max <?cs call:ms(Health.Total.Max) ?></dd>
  </dl>
</section>

<section>
  <h2>The last hour, minute by minute</h2>
  <div class="charts">
  <?cs each:ch = Health.Charts ?>
  <figure class="chart">
    <figcaption><?cs var:ch.Title ?><?cs if:ch.Peak ?> <span class="meta">(peak <?cs var:ch.Peak ?>)</span><?cs /if ?></figcaption>
    <svg id="<?cs var:ch.Id ?>" class="<?cs var:ch.Id ?>" viewBox="0 0 660 150" role="img" aria-labelledby="<?cs var:ch.Id ?>-title">
      <title id="<?cs var:ch.Id ?>-title"><?cs var:ch.Title ?>, last 60 minutes<?cs if:ch.Peak ?>; peak <?cs var:ch.Peak ?><?cs /if ?></title>
      <line class="grid" x1="50" y1="10" x2="650" y2="10"/>
      <line class="grid" x1="50" y1="65" x2="650" y2="65"/>
      <line class="axis" x1="50" y1="120" x2="650" y2="120"/>
      <text class="label" x="44" y="14" text-anchor="end"><?cs var:ch.Top ?></text>
      <text class="label" x="44" y="69" text-anchor="end"><?cs var:ch.Half ?></text>
      <text class="label" x="44" y="124" text-anchor="end">0</text>
      <?cs each:b = ch.Bars ?><rect class="bar" x="<?cs var:b.X ?>" y="<?cs var:b.Y ?>" width="<?cs var:b.W ?>" height="<?cs var:b.H ?>"><title><?cs var:b.Label ?></title></rect><?cs /each ?>
      <text class="label" x="50" y="140">60 min ago</text>
      <text class="label" x="350" y="140" text-anchor="middle">30 min ago</text>
      <text class="label" x="650" y="140" text-anchor="end">now</text>
    </svg>
    <?cs if:!ch.NBars ?><p class="meta">Nothing in the last hour.</p><?cs /if ?>
  </figure>
  <?cs /each ?>
  </div>
</section>

<section>
  <h2>Routes</h2>
  <?cs if:subcount(Health.Routes) ?>
  <div class="table-wrap" tabindex="0" role="region" aria-label="Routes">
  <table class="data routes">
    <thead><tr><th scope="col">Route</th><th scope="col" class="num">Requests</th><th scope="col" class="num">2xx</th><th scope="col" class="num">3xx</th><th scope="col" class="num">4xx</th><th scope="col" class="num">5xx</th><th scope="col" class="num">p50</th><th scope="col" class="num">p90</th><th scope="col" class="num">p99</th><th scope="col" class="num">max</th></tr></thead>
    <tbody>
    <?cs each:r = Health.Routes ?>
    <tr data-route="<?cs var:r.Route ?>" data-count="<?cs var:r.Count ?>">
      <th scope="row"><code><?cs var:r.Route ?></code><?cs if:r.Route == "-" ?> <span class="meta">(no route)</span><?cs /if ?></th>
      <td class="num"><?cs var:r.Count ?></td><td class="num"><?cs var:r.C2xx ?></td><td class="num"><?cs var:r.C3xx ?></td><td class="num"><?cs var:r.C4xx ?></td><td class="num<?cs if:r.C5xx > 0 ?> bad<?cs /if ?>"><?cs var:r.C5xx ?></td>
      <td class="num"><?cs var:r.P50 ?></td><td class="num"><?cs var:r.P90 ?></td><td class="num"><?cs var:r.P99 ?></td><td class="num"><?cs var:r.Max ?></td>
    </tr>
    <?cs /each ?>
    </tbody>
  </table>
  </div>
  <p class="meta">Times in milliseconds. Percentiles come from a histogram with buckets about 41% wide, interpolated inside the bucket.</p>
  <?cs else ?><p class="empty">No requests in this window.</p><?cs /if ?>
</section>

<section>
  <h2>Status codes</h2>
  <?cs if:subcount(Health.Statuses) ?>
  <table class="data statuses">
    <thead><tr><th scope="col">Status</th><th scope="col" class="num">Requests</th></tr></thead>
    <tbody>
    <?cs each:st = Health.Statuses ?><tr data-status="<?cs var:st.Code ?>" data-count="<?cs var:st.Count ?>"<?cs if:st.Class == 5 ?> class="bad"<?cs /if ?>><th scope="row"><?cs var:st.Code ?></th><td class="num"><?cs var:st.Count ?></td></tr><?cs /each ?>
    </tbody>
  </table>
  <?cs else ?><p class="empty">No requests in this window.</p><?cs /if ?>
</section>
<?cs else ?>
<p class="empty">This store backend does not keep metrics.</p>
<?cs /if ?>

<section>
  <h2>Store</h2>
  <?cs if:subcount(Health.Store) ?>
  <table class="data store">
    <tbody>
    <?cs each:f = Health.Store ?><tr<?cs if:!f.Ok ?> class="bad"<?cs /if ?>><th scope="row"><?cs var:f.Name ?></th><td><?cs var:f.Value ?></td></tr><?cs /each ?>
    </tbody>
  </table>
  <?cs else ?><p class="empty">The <?cs var:Health.Backends.Store ?> backend reports no health figures.</p><?cs /if ?>
  <p class="meta">Failed store calls reported to the metrics: <strong id="store-errors"><?cs if:Health.StoreErrors ?><?cs var:Health.StoreErrors ?><?cs else ?>0<?cs /if ?></strong>.</p>
</section>

<section>
  <h2>AWS calls</h2>
  <?cs if:Health.AwsServices > 0 ?>
  <table class="data aws">
    <thead><tr><th scope="col">Service</th><th scope="col" class="num">Calls</th><th scope="col" class="num">Errors</th><th scope="col" class="num">Retries</th><th scope="col" class="num">Throttled</th><th scope="col" class="num">Mean ms</th></tr></thead>
    <tbody>
    <?cs each:a = Health.Aws ?><tr data-service="<?cs var:a.Service ?>"><th scope="row"><?cs var:a.Service ?></th><td class="num"><?cs var:a.Calls ?></td><td class="num<?cs if:a.Errors > 0 ?> bad<?cs /if ?>"><?cs var:a.Errors ?></td><td class="num"><?cs var:a.Retries ?></td><td class="num"><?cs var:a.Throttles ?></td><td class="num"><?cs var:a.AvgMs ?></td></tr><?cs /each ?>
    </tbody>
  </table>
  <?cs else ?>
  <p class="empty" id="aws-none">No AWS calls in this window: this deployment's backends are store <?cs var:Health.Backends.Store ?>, auth <?cs var:Health.Backends.Auth ?>, photos <?cs var:Health.Backends.Blob ?>, recommender <?cs var:Health.Backends.Rec ?>.</p>
  <?cs /if ?>
</section>

<section>
  <h2>Recommendations and other counters</h2>
  <dl class="summary">
    <dt>Recommendation fallbacks</dt><dd id="rec-fallback"><?cs var:Health.RecFallback ?></dd>
    <?cs each:k = Health.Counters ?><?cs if:k.Name != "rec.fallback" && k.Name != "store.error" ?><dt><code><?cs var:k.Name ?></code></dt><dd><?cs var:k.Value ?></dd><?cs /if ?><?cs /each ?>
  </dl>
  <p class="meta">A fallback is a recommendation request the recommender could not answer itself (popular restaurants were shown instead).</p>
</section>
<?cs include:"footer.cs" ?>
