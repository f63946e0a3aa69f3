// Import with an upload progress bar: the form's file goes to the import API with XMLHttpRequest and
// the result is rendered like the server renders it. Without this script the form posts as usual.
// Server text is only ever set with textContent.
(function () {
  'use strict';
  var form = document.getElementById('import-form');
  if (!form || !window.FormData || !window.XMLHttpRequest || !window.URLSearchParams) return;
  var section = document.querySelector('[data-result-section]');
  var box = document.getElementById('import-result');
  var progress = form.querySelector('[data-progress]');
  var bar = progress.querySelector('progress');
  var label = progress.querySelector('[data-progress-label]');
  var button = form.querySelector('button[type="submit"]');

  function msg(name, vars) {
    var text = form.getAttribute('data-msg-' + name) || '';
    return text.replace(/\{(\w+)\}/g, function (all, key) {
      return vars && key in vars ? String(vars[key]) : all;
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function table(headers, rows) {
    var wrap = el('div', 'table-scroll');
    var t = el('table', 'issues');
    var head = t.createTHead().insertRow();
    headers.forEach(function (h) {
      var th = el('th', '', msg(h));
      th.scope = 'col';
      head.appendChild(th);
    });
    var body = t.createTBody();
    rows.forEach(function (cells) {
      var row = body.insertRow();
      cells.forEach(function (cell) {
        row.insertCell().textContent = cell === undefined || cell === null ? '' : String(cell);
      });
    });
    wrap.appendChild(t);
    return wrap;
  }

  function render(status, body) {
    while (box.firstChild) box.removeChild(box.firstChild);
    var out;
    if (status >= 200 && status < 300 && body && typeof body.created === 'number') {
      out = el('div', 'result result-ok');
      out.appendChild(el('p', 'result-summary', body.created ? msg('created', { n: body.created }) : msg('none')));
      if (body.codes && body.codes.length) {
        var codes = el('p', 'codes small', msg('codes') + ' ');
        body.codes.forEach(function (code) {
          var link = el('a', 'code', code);
          link.setAttribute('href', '/bank?q=' + encodeURIComponent(code));
          codes.appendChild(link);
          codes.appendChild(document.createTextNode(' '));
        });
        out.appendChild(codes);
      }
      if (body.duplicates && body.duplicates.length) {
        out.appendChild(el('h3', '', msg('duplicates')));
        out.appendChild(table(['line', 'code', 'duplicateOf'], body.duplicates.map(function (d) { return [d.line, d.code, d.duplicateOf]; })));
      }
      if (body.created && body.health && body.health.problems) {
        out.appendChild(el('h3', '', msg('health')));
        if (body.health.problems.length) {
          var problems = el('ul', 'health-problems');
          body.health.problems.forEach(function (p) { problems.appendChild(el('li', '', p.text || p.message)); });
          out.appendChild(problems);
        } else out.appendChild(el('p', '', msg('healthOk')));
        var all = el('p', 'small');
        var link = el('a', '', msg('healthAll'));
        link.setAttribute('href', '/bank/health');
        all.appendChild(link);
        out.appendChild(all);
      }
      if (body.warnings && body.warnings.length) {
        out.appendChild(el('h3', '', msg('warnings')));
        out.appendChild(table(['line', 'field', 'message'], body.warnings.map(function (w) { return [w.line, w.field, w.message]; })));
      }
    } else {
      var error = (body && body.error) || {};
      var details = error.details || {};
      if (error.code === 'import_invalid' && details.errors) {
        out = el('div', 'result result-invalid');
        var alert = el('p', 'alert', msg('invalid', { n: details.total }));
        alert.setAttribute('role', 'alert');
        out.appendChild(alert);
        out.appendChild(table(['line', 'field', 'message'], details.errors.map(function (e) { return [e.line, e.field, e.message]; })));
      } else {
        out = el('div', 'alert');
        out.setAttribute('role', 'alert');
        out.appendChild(el('p', '', msg('failed') + (error.message ? ' ' + error.message : '')));
        if (Array.isArray(details)) {
          var list = el('ul');
          details.forEach(function (d) { list.appendChild(el('li', '', (d.path ? d.path + ': ' : '') + d.message)); });
          out.appendChild(list);
        }
      }
    }
    box.appendChild(out);
    section.hidden = false;
  }

  form.addEventListener('submit', function (event) {
    var file = form.elements.file.files[0];
    if (!file) return;
    event.preventDefault();
    var params = new URLSearchParams();
    params.set('format', form.elements.format.value);
    if (form.elements.domain.value) params.set('domain', form.elements.domain.value);
    var levels = [];
    var boxes = form.querySelectorAll('[data-level]');
    for (var i = 0; i < boxes.length; i++) if (boxes[i].checked) levels.push(boxes[i].value);
    if (levels.length) params.set('levels', levels.join(','));
    var language = form.querySelector('input[name="language"]:checked');
    params.set('language', language ? language.value : 'zh');

    // Only the file goes in the body: the API takes its options in the query string.
    var data = new FormData();
    data.append('file', file, file.name);
    var xhr = new XMLHttpRequest();
    xhr.open('POST', form.getAttribute('data-api') + '?' + params.toString());
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = function (e) {
      if (!e.lengthComputable) return;
      bar.value = Math.round((e.loaded / e.total) * 100);
      label.textContent = msg('uploading', { percent: bar.value });
    };
    // Upload done: the server is parsing and writing now, for an unknown time.
    xhr.upload.onload = function () {
      bar.removeAttribute('value');
      label.textContent = msg('importing');
    };
    function finish(status, text) {
      var body = null;
      try { body = JSON.parse(text); } catch (e) { body = null; }
      progress.hidden = true;
      button.disabled = false;
      render(status, body);
    }
    xhr.onload = function () { finish(xhr.status, xhr.responseText); };
    xhr.onerror = function () { finish(0, ''); };
    progress.hidden = false;
    bar.value = 0;
    label.textContent = msg('uploading', { percent: 0 });
    button.disabled = true;
    xhr.send(data);
  });
})();
