// Search page niceties; the page works the same without them.
(function () {
  "use strict";
  var form = document.querySelector(".search-form");
  if (!form) { return; }
  var query = form.querySelector('input[name="q"]');
  var sort = form.querySelector('select[name="sort"]');

  // A new sort order applies at once.
  if (sort) {
    sort.addEventListener("change", function () { form.submit(); });
  }

  // "/" jumps to the search box, as on most search pages.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    if (event.key === "/" && !typing && query) {
      event.preventDefault();
      query.focus();
      query.select();
    }
  });

  // Clicking an example of the syntax help puts it in the search box.
  form.querySelectorAll(".search-syntax code").forEach(function (example) {
    example.addEventListener("click", function () {
      if (!query) { return; }
      query.value = example.textContent;
      query.focus();
    });
  });
}());
