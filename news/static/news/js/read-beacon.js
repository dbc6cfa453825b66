// Counts one reading of this article (news.most_read), also when the page
// came from a cache: the beacon goes to an uncached endpoint.
(function () {
  var article = document.querySelector("[data-read-beacon]");
  if (!article || !navigator.sendBeacon || document.visibilityState === "prerender") {
    return;
  }
  var body = new URLSearchParams();
  body.append("page", article.getAttribute("data-page"));
  navigator.sendBeacon(article.getAttribute("data-read-beacon"), body);
})();
