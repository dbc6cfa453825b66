// Replaces the admin strings no catalogue reaches (see translations/admin_language.py):
// wagtail-localize's hard-coded English, strftime's English months and the
// browser's English time-zone names, with the labels the server translated.
(() => {
  const data = document.getElementById("kmpress-admin-labels");
  if (!data) return;
  const labels = JSON.parse(data.textContent);
  const months = Object.keys(labels.months);
  const date = months.length
    ? new RegExp(`\\b(\\d{1,2}) (${months.join("|")}) (\\d{4})\\b`, "g")
    : null;
  const pair = /^(.+) to (.+) translation$/;
  // The browser's English name of each zone, where it has none in this language.
  const zones = Object.entries(labels.zones).map(([zone, local]) => [
    `(${new Intl.DateTimeFormat("en", { timeZone: zone, timeZoneName: "long" })
      .formatToParts(new Date())
      .find((part) => part.type === "timeZoneName").value})`,
    `(${local})`,
  ]);

  const relabel = (text) => {
    const trimmed = text.trim();
    if (labels.exact[trimmed]) return text.replace(trimmed, labels.exact[trimmed]);
    const match = trimmed.match(pair);
    if (match && labels.pair !== "%(source)s to %(target)s translation") {
      return labels.pair
        .replace("%(source)s", match[1])
        .replace("%(target)s", match[2]);
    }
    let result = text;
    for (const [english, local] of zones) {
      result = result.split(english).join(local);
    }
    if (date) {
      result = result.replace(
        date,
        (_all, day, month, year) => `${day} ${labels.months[month]} ${year}`,
      );
    }
    return result;
  };

  const fixNode = (node) => {
    const text = relabel(node.nodeValue);
    if (text !== node.nodeValue) node.nodeValue = text;
  };
  const fixTree = (root) => {
    if (root.nodeType === Node.TEXT_NODE) return fixNode(root);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) fixNode(node);
  };

  fixTree(document.body);
  new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      if (mutation.type === "characterData") fixNode(mutation.target);
      mutation.addedNodes.forEach(fixTree);
    }
  }).observe(document.body, { childList: true, subtree: true, characterData: true });
})();
