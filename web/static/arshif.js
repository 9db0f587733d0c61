// Arshif: small enhancements only; every feature also works without JavaScript (links and forms).
(function () {
  "use strict";

  // Sorting applies on change (the Apply button stays for keyboard and no-JS users).
  document.querySelectorAll("select.autosubmit").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // Facet values are links with checkbox semantics: Space toggles them like a checkbox.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === " " && target.getAttribute && target.getAttribute("role") === "checkbox" && target.href) {
      event.preventDefault();
      window.location.href = target.href;
    }
  });

  // A filter box above each facet list: asks /facets/<name>.json for the values whose words start with the letters.
  function valueItem(value) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = value.toggle_url;
    a.className = "value" + (value.selected ? " selected" : "");
    a.setAttribute("role", "checkbox");
    a.setAttribute("aria-checked", value.selected ? "true" : "false");
    var label = document.createElement("bdi");
    label.className = "label";
    label.textContent = value.label;
    var count = document.createElement("span");
    count.className = "count";
    count.dir = "ltr";
    count.textContent = String(value.count);
    a.appendChild(label);
    a.appendChild(count);
    li.appendChild(a);
    return li;
  }

  document.querySelectorAll("section.facet[data-facet]").forEach(function (section) {
    var list = section.querySelector("ul.values");
    var more = section.getAttribute("data-more");
    if (!list || !more) { return; }
    var heading = section.querySelector("h3");
    var input = document.createElement("input");
    input.type = "search";
    input.className = "facet-filter";
    input.dir = "auto";
    input.setAttribute("aria-label", section.getAttribute("data-filter-label") || (heading ? heading.textContent : ""));
    input.setAttribute("aria-controls", list.id || "");
    list.parentNode.insertBefore(input, list);
    var original = list.innerHTML;
    var timer = null;
    var asked = 0;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var letters = input.value.trim();
        if (!letters) { list.innerHTML = original; return; }
        var url = more.replace("/facets/" + section.getAttribute("data-facet"), "/facets/" + section.getAttribute("data-facet") + ".json");
        url += (url.indexOf("?") < 0 ? "?" : "&") + "prefix=" + encodeURIComponent(letters);
        var ticket = ++asked;
        fetch(url, { headers: { "Accept": "application/json" } })
          .then(function (resp) { return resp.json(); })
          .then(function (data) {
            if (ticket !== asked || !data.values) { return; }
            list.replaceChildren.apply(list, data.values.map(valueItem));
          })
          .catch(function () { list.innerHTML = original; });
      }, 150);
    });
  });
})();
