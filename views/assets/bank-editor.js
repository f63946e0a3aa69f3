// Question editor: show the fields of the chosen type and keep the candidate-view preview live.
// Progressive enhancement: without this script every field shows and "Preview" reloads the page.
(function () {
  'use strict';
  var form = document.getElementById('question-form');
  if (!form || !window.fetch || !window.FormData) return;
  var typeSelect = form.querySelector('[data-type-select]');
  var status = document.querySelector('[data-preview-status]');
  var targets = { zh: document.querySelector('[data-preview="zh"]'), en: document.querySelector('[data-preview="en"]') };
  var timer = 0;
  var sequence = 0;

  function showFieldsFor(type) {
    var parts = form.querySelectorAll('[data-types]');
    for (var i = 0; i < parts.length; i++) {
      parts[i].hidden = parts[i].getAttribute('data-types').split(' ').indexOf(type) < 0;
    }
  }

  // The same flat field names the form posts; repeated names (levels) become arrays.
  function fields() {
    var out = {};
    new FormData(form).forEach(function (value, name) {
      if (typeof value !== 'string') return;
      out[name] = name in out ? [].concat(out[name], value) : value;
    });
    return out;
  }

  function say(name) {
    if (status) status.textContent = name ? form.getAttribute('data-msg-' + name) || '' : '';
  }

  function update() {
    var mine = ++sequence;
    say('updating');
    fetch(form.getAttribute('data-preview-url'), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(fields()),
    })
      .then(function (res) {
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.json();
      })
      .then(function (html) {
        if (mine !== sequence) return;
        // Our own partial, rendered by the server from escaped Markdown: the candidate view as is.
        targets.zh.innerHTML = html.zh;
        targets.en.innerHTML = html.en;
        say('');
      })
      .catch(function () {
        if (mine === sequence) say('failed');
      });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(update, 300);
  }

  if (typeSelect) {
    showFieldsFor(typeSelect.value);
    typeSelect.addEventListener('change', function () {
      showFieldsFor(typeSelect.value);
    });
  }
  form.addEventListener('input', schedule);
  form.addEventListener('change', schedule);
  var previewButton = form.querySelector('[data-preview-button]');
  if (previewButton) {
    previewButton.addEventListener('click', function (event) {
      event.preventDefault();
      clearTimeout(timer);
      update();
    });
  }
})();
