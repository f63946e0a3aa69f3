// Exam blueprint form: live totals of questions, points and domain shares, and the certification
// review rule. Progressive enhancement: without it the server shows the same totals after each save.
(function () {
  'use strict';
  var form = document.getElementById('exam-form');
  if (!form) return;

  function num(input) {
    var v = input ? input.value.trim() : '';
    return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(v) ? Number(v) : 0;
  }
  function round(n) {
    return String(Math.round(n * 100) / 100);
  }
  function show(selector, text) {
    var el = form.querySelector(selector);
    if (el) el.textContent = text;
  }

  function update() {
    var questions = 0;
    var points = 0;
    var rows = form.querySelectorAll('[data-section]');
    for (var i = 0; i < rows.length; i++) {
      var count = num(rows[i].querySelector('[data-count]'));
      questions += count;
      points += count * num(rows[i].querySelector('[data-points]'));
    }
    show('[data-total-questions]', round(questions));
    show('[data-total-points]', round(points));

    var sum = 0;
    var shares = form.querySelectorAll('[data-share]');
    for (var j = 0; j < shares.length; j++) sum += num(shares[j]);
    show('[data-share-sum]', round(sum));
    var warning = form.querySelector('[data-share-warning]');
    if (warning) warning.hidden = Math.abs(sum - 100) <= 0.01;

    var mode = form.querySelector('[data-mode]');
    var review = form.querySelector('[data-review]');
    var keys = form.querySelector('[data-keys-warning]');
    if (mode && review && keys) keys.hidden = !(mode.value === 'certification' && review.value === 'keys');
  }

  form.addEventListener('input', update);
  form.addEventListener('change', update);
  update();
})();
