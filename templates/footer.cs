</main>
<footer class="bottom">
  <p>forkcast &middot; restaurant data: UCI "Restaurant &amp; consumer data" (CC BY 4.0), unmodified.</p>
</footer>
</body>
</html>
