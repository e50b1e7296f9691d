/* forkcast: the tile map (only where Map.Tiles is configured: templates/map.cs loads this and
 * the vendored Leaflet). Progressive: the server-rendered SVG map and its numbered list work
 * without it; with JavaScript, a Leaflet map of the same places (read from the list's
 * data-lat/data-lon) replaces the SVG. */
(function () {
  "use strict";
  function start() {
    var box = document.getElementById("tilemap");
    if (!box || !window.L) return;
    var figure = box.closest(".map-figure");
    var items = figure ? figure.querySelectorAll(".map-legend li[data-lat]") : [];
    if (!items.length) return;
    box.hidden = false;
    var map = L.map(box, { scrollWheelZoom: false });
    L.tileLayer(box.getAttribute("data-tiles"), {
      maxZoom: 19,
      attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
    }).addTo(map);
    var bounds = [];
    items.forEach(function (li, i) {
      var ll = [parseFloat(li.getAttribute("data-lat")), parseFloat(li.getAttribute("data-lon"))];
      var link = li.querySelector("a");
      var here = li.classList.contains("here");
      var m = L.circleMarker(ll, {
        radius: here ? 10 : 7, weight: 2, color: "#7a2a10",
        fillColor: here ? "#b3401a" : "#fff", fillOpacity: 1
      }).addTo(map);
      var a = document.createElement("a");
      a.href = link.getAttribute("href");
      a.textContent = (i + 1) + ". " + link.textContent;
      m.bindPopup(a);
      m.bindTooltip(String(i + 1), { permanent: !here, direction: "right", offset: [6, 0] });
      bounds.push(ll);
    });
    if (bounds.length === 1) map.setView(bounds[0], 16);
    else map.fitBounds(bounds, { padding: [24, 24] });
    var svg = figure.querySelector("svg.map");
    if (svg) svg.style.display = "none";
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
