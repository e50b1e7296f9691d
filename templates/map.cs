<?cs # The server-rendered map (pages/visual.c's Map.*): numbered pins linking to each place, the
     place of the page marked and named, a scale bar, and the same places as a numbered list
     (the accessible and printable form). With Map.Tiles, static/map.js puts a Leaflet tile map
     above the list instead; without JavaScript the SVG stays. Needs no outside service. ?>
<?cs if:Map.W ?>
<figure class="map-figure">
<svg class="map" viewBox="0 0 <?cs var:Map.W ?> <?cs var:Map.H ?>" role="group" aria-labelledby="map-title">
  <title id="map-title"><?cs if:Map.HereName ?>Map of <?cs var:Map.HereName ?> and <?cs var:subcount(Map.Pins) - 1 ?> places nearby<?cs else ?>Map of the <?cs var:subcount(Map.Pins) ?> places on this page<?cs /if ?></title>
  <rect class="map-bg" width="<?cs var:Map.W ?>" height="<?cs var:Map.H ?>" rx="8"/>
  <?cs each:p = Map.Pins ?><?cs if:!p.Here ?><a href="/restaurants/<?cs var:p.Id ?>" class="map-pin" aria-label="<?cs var:p.Num ?>: <?cs var:p.Name ?>"><circle cx="<?cs var:p.X ?>" cy="<?cs var:p.Y ?>" r="11"/><text x="<?cs var:p.X ?>" y="<?cs var:p.Y ?>" dominant-baseline="central" text-anchor="middle"><?cs var:p.Num ?></text></a><?cs /if ?>
  <?cs /each ?><?cs each:p = Map.Pins ?><?cs if:p.Here ?><a href="/restaurants/<?cs var:p.Id ?>" class="map-pin here"><circle cx="<?cs var:p.X ?>" cy="<?cs var:p.Y ?>" r="14"/><text x="<?cs var:p.X ?>" y="<?cs var:p.Y ?>" dominant-baseline="central" text-anchor="middle" aria-hidden="true"><?cs var:p.Num ?></text><text class="map-label" x="<?cs var:p.LabelX ?>" y="<?cs var:p.Y ?>" dy="5" text-anchor="<?cs if:p.Left ?>end<?cs else ?>start<?cs /if ?>"><?cs var:p.Name ?></text></a><?cs /if ?><?cs /each ?>
  <g class="map-scale" aria-hidden="true"><line x1="16" y1="<?cs var:Map.ScaleY ?>" x2="<?cs var:Map.ScaleX2 ?>" y2="<?cs var:Map.ScaleY ?>"/><text x="16" y="<?cs var:Map.ScaleTextY ?>"><?cs var:Map.ScaleKm ?> km</text></g>
</svg>
<?cs if:Map.Tiles ?><div class="tilemap" id="tilemap" data-tiles="<?cs var:Map.Tiles ?>" hidden></div><?cs /if ?>
<figcaption>
<ol class="map-legend" aria-label="Places on the map">
<?cs each:p = Map.Pins ?><li data-lat="<?cs var:p.Lat ?>" data-lon="<?cs var:p.Lon ?>"<?cs if:p.Here ?> class="here"<?cs /if ?>><a href="/restaurants/<?cs var:p.Id ?>"><?cs var:p.Name ?></a><?cs if:p.Here ?> (this place)<?cs elif:p.Km ?> &middot; <?cs var:p.Km ?> km<?cs if:Map.HereName ?> away<?cs else ?> from <?cs var:p.KmFrom ?><?cs /if ?><?cs /if ?></li>
<?cs /each ?></ol>
</figcaption>
</figure>
<?cs if:Map.Tiles ?><link rel="stylesheet" href="/static/vendor/leaflet-1.9.4/leaflet.css">
<script src="/static/vendor/leaflet-1.9.4/leaflet.js" defer></script>
<script src="/static/map.js" defer></script><?cs /if ?>
<?cs /if ?>
