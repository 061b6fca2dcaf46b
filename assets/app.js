// ticketd — small progressive enhancements. Every page works without this file; the server
// enforces all rules. Plain ES2017, no dependencies, loaded with `defer`.
(function () {
  'use strict';

  // ---------------------------------------------------------------- auto-submitting selects
  //
  // `select[data-autosubmit]` submits its form on change. Changes made with the keyboard on a
  // closed select (arrow keys on Windows/Linux change the value at once) wait until the user
  // presses Enter or leaves the field, so keyboard users are not thrown onto a new page while
  // they browse the options.

  var KEYS = ['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageUp', 'PageDown'];
  var keyed = new WeakMap(); // select → time of the last navigation key
  var pending = new WeakSet(); // selects changed by keyboard, not yet submitted

  function isAutosubmit(el) {
    return el instanceof HTMLSelectElement && el.hasAttribute('data-autosubmit') && !!el.form;
  }

  function submit(select) {
    pending.delete(select);
    var form = select.form;
    if (!form) return;
    // A new year has other months: drop the month so the server does not get a stale one.
    if (select.name === 'year') {
      var month = form.elements.namedItem('month');
      if (month && month instanceof HTMLSelectElement) {
        month.value = '';
      }
    }
    if (typeof form.requestSubmit === 'function') {
      form.requestSubmit();
    } else {
      form.submit();
    }
  }

  document.addEventListener('keydown', function (ev) {
    var el = ev.target;
    if (!isAutosubmit(el)) return;
    var key = ev.key || '';
    if (key === 'Enter' && pending.has(el)) {
      ev.preventDefault();
      submit(el);
    } else if (KEYS.indexOf(key) !== -1 || key.length === 1) {
      keyed.set(el, Date.now());
    }
  });

  document.addEventListener('change', function (ev) {
    var el = ev.target;
    if (!isAutosubmit(el)) return;
    var t = keyed.get(el);
    if (t && Date.now() - t < 800) {
      pending.add(el);
    } else {
      submit(el);
    }
  });

  document.addEventListener('focusout', function (ev) {
    var el = ev.target;
    if (isAutosubmit(el) && pending.has(el)) submit(el);
  });

  // ---------------------------------------------------------------- conditional custom fields
  //
  // `div.custom-field[data-show-when][data-show-values]`: shown only while the input named in
  // data-show-when has one of the values in data-show-values (separated by U+001F; a checkbox
  // counts as "yes" when checked, "" otherwise). Hidden fields get `hidden` and their inputs are
  // disabled, so their values are not submitted. A field whose controlling field is hidden is
  // hidden too.

  var SEP = '\u001f';
  var disabledByUs = new WeakSet();

  function controls(wrapper) {
    return wrapper.querySelectorAll('input, select, textarea');
  }

  function controllerOf(wrapper) {
    var name = wrapper.getAttribute('data-show-when');
    var scope = wrapper.closest('form') || document;
    var list = scope.querySelectorAll('[name]');
    for (var i = 0; i < list.length; i++) {
      if (list[i].getAttribute('name') === name) return list[i];
    }
    return null;
  }

  function currentValue(el) {
    if (el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio')) {
      if (el.type === 'radio') {
        var checked = (el.form || document).querySelector(
          'input[type="radio"][name="' + cssEscape(el.name) + '"]:checked'
        );
        return checked ? checked.value : '';
      }
      return el.checked ? 'yes' : '';
    }
    return 'value' in el ? String(el.value) : '';
  }

  function cssEscape(s) {
    return window.CSS && typeof window.CSS.escape === 'function'
      ? window.CSS.escape(s)
      : s.replace(/["\\]/g, '\\$&');
  }

  function isHidden(el) {
    var w = el.closest('.custom-field');
    return !!(w && w.hidden);
  }

  function setShown(wrapper, show) {
    if (wrapper.hidden === !show) return false;
    wrapper.hidden = !show;
    var list = controls(wrapper);
    for (var i = 0; i < list.length; i++) {
      var c = list[i];
      if (!show) {
        if (!c.disabled) {
          c.disabled = true;
          disabledByUs.add(c);
        }
      } else if (disabledByUs.has(c)) {
        c.disabled = false;
        disabledByUs.delete(c);
      }
    }
    return true;
  }

  function evaluate() {
    var wrappers = document.querySelectorAll('.custom-field[data-show-when]');
    if (!wrappers.length) return;
    // Repeat until nothing changes, so hiding cascades down chains of fields.
    for (var pass = 0; pass <= wrappers.length; pass++) {
      var changed = false;
      for (var i = 0; i < wrappers.length; i++) {
        var w = wrappers[i];
        var ctl = controllerOf(w);
        if (!ctl) continue; // unknown controller: leave the field as the server sent it
        var values = (w.getAttribute('data-show-values') || '').split(SEP);
        var show = !isHidden(ctl) && values.indexOf(currentValue(ctl)) !== -1;
        if (setShown(w, show)) changed = true;
      }
      if (!changed) break;
    }
  }

  function onEdit(ev) {
    var t = ev.target;
    if (t && t.name && document.querySelector('.custom-field[data-show-when]')) evaluate();
  }

  document.addEventListener('input', onEdit);
  document.addEventListener('change', onEdit);
  // Back/forward cache and form restoration can change values without events.
  window.addEventListener('pageshow', evaluate);

  try {
    evaluate();
  } catch (e) {
    // Never break the page: without the script every field simply shows.
  }

  // ---------------------------------------------------------------- navigation
  //
  // On phones the main navigation scrolls sideways: bring the current section into view.

  var nav = document.querySelector('.mainnav');
  var current = nav && nav.querySelector('[aria-current="page"]');
  if (current && nav.scrollWidth > nav.clientWidth) {
    nav.scrollLeft = Math.max(0, current.offsetLeft - nav.offsetLeft - 24);
  }

  // ---------------------------------------------------------------- print buttons
  //
  // `[data-print]` buttons come with `hidden`: printing needs the script.

  var printButtons = document.querySelectorAll('[data-print]');
  for (var p = 0; p < printButtons.length; p++) printButtons[p].hidden = false;

  document.addEventListener('click', function (ev) {
    var t = ev.target;
    var btn = t && t.closest ? t.closest('[data-print]') : null;
    if (btn && typeof window.print === 'function') {
      ev.preventDefault();
      window.print();
    }
  });

  // ---------------------------------------------------------------- drop zones
  //
  // `[data-dropzone]` wraps a file input: files dropped anywhere on it go into the input.
  // Files dropped elsewhere on a page with a drop zone are ignored instead of replacing the
  // page (and what was typed) with the file.

  function hasFiles(ev) {
    var dt = ev.dataTransfer;
    return !!dt && Array.prototype.indexOf.call(dt.types || [], 'Files') !== -1;
  }

  function setupDropzone(zone) {
    var input = zone.querySelector('input[type="file"]');
    if (!input) return;
    var depth = 0;
    var off = function () {
      depth = 0;
      zone.classList.remove('is-dragover');
    };
    zone.addEventListener('dragenter', function (ev) {
      if (!hasFiles(ev)) return;
      ev.preventDefault();
      depth++;
      zone.classList.add('is-dragover');
    });
    zone.addEventListener('dragover', function (ev) {
      if (!hasFiles(ev)) return;
      ev.preventDefault();
      ev.dataTransfer.dropEffect = 'copy';
    });
    zone.addEventListener('dragleave', function () {
      depth = Math.max(0, depth - 1);
      if (!depth) off();
    });
    zone.addEventListener('drop', function (ev) {
      if (!hasFiles(ev)) return;
      ev.preventDefault();
      ev.stopPropagation();
      off();
      try {
        input.files = ev.dataTransfer.files;
        input.dispatchEvent(new Event('change', { bubbles: true }));
      } catch (e) {
        // Older browsers cannot set files: the input still works by clicking.
      }
    });
  }

  var zones = document.querySelectorAll('[data-dropzone]');
  for (var z = 0; z < zones.length; z++) setupDropzone(zones[z]);

  if (zones.length) {
    var ignore = function (ev) {
      if (hasFiles(ev) && !(ev.target && ev.target.closest && ev.target.closest('[data-dropzone]'))) {
        ev.preventDefault();
        if (ev.dataTransfer) ev.dataTransfer.dropEffect = 'none';
      }
    };
    window.addEventListener('dragover', ignore);
    window.addEventListener('drop', ignore);
  }

  // The composer's e-mail fields only matter for the kind "e-mail".
  var emailFields = document.querySelectorAll('[data-kind="email"]');
  if (emailFields.length) {
    var syncEmail = function () {
      var chosen = document.querySelector('input[name="kind"]:checked');
      var show = !chosen || chosen.value === 'email';
      for (var i = 0; i < emailFields.length; i++) emailFields[i].hidden = !show;
    };
    var kinds = document.querySelectorAll('input[name="kind"]');
    for (var k = 0; k < kinds.length; k++) kinds[k].addEventListener('change', syncEmail);
    syncEmail();
  }

  // Staff day (issue 19): the composer's status follows the kind until changed by hand
  // ("waiting" after a message to the customer, else unchanged); a chosen snippet goes in at
  // the cursor instead of a round trip (without JavaScript "Einfügen" asks the server).
  var statusAfter = document.querySelector('select[data-status-after]');
  if (statusAfter) {
    var statusTouched = false;
    statusAfter.addEventListener('change', function () { statusTouched = true; });
    var syncStatus = function () {
      if (statusTouched) return;
      var chosen = document.querySelector('input[name="kind"]:checked');
      statusAfter.value = chosen && chosen.value === 'message' ? 'waiting' : '';
    };
    var kindInputs = document.querySelectorAll('input[name="kind"]');
    for (var ki = 0; ki < kindInputs.length; ki++) kindInputs[ki].addEventListener('change', syncStatus);
    if (statusAfter.value === 'auto') syncStatus();
  }
  var snippetSelect = document.querySelector('select[data-snippets]');
  var snippetBody = document.getElementById('body');
  if (snippetSelect && snippetBody) {
    var insertSnippet = function () {
      var opt = snippetSelect.options[snippetSelect.selectedIndex];
      var text = opt && opt.getAttribute('data-text');
      if (!text) return;
      var start = snippetBody.selectionStart, end = snippetBody.selectionEnd;
      if (typeof start !== 'number') start = end = snippetBody.value.length;
      snippetBody.value = snippetBody.value.slice(0, start) + text + snippetBody.value.slice(end);
      snippetBody.focus();
      snippetBody.selectionStart = snippetBody.selectionEnd = start + text.length;
      snippetSelect.value = '';
    };
    snippetSelect.addEventListener('change', insertSnippet);
    var insertButton = document.querySelector('[data-snippet-insert]');
    if (insertButton) {
      insertButton.addEventListener('click', function (ev) {
        ev.preventDefault();
        insertSnippet();
      });
    }
  }

  // ---------------------------------------------------------------- file limits
  //
  // `input[type=file][data-max-file-bytes][data-max-files][data-max-request-bytes]` carries
  // the server's limits and the messages (data-msg-too-large with {name}, data-msg-too-many,
  // data-msg-too-much for all files together: a request over that limit is refused at the
  // edge before any of it is read, so only this check keeps the text then). A file over the limit,
  // or too many files, is caught when chosen and again at submit: the message shows at the
  // field and the form is not sent until a fitting choice is made — so what was typed stays. The server
  // checks the same limits and answers with the form and the text kept (413).

  function limitMessage(input) {
    var max = parseInt(input.getAttribute('data-max-file-bytes') || '', 10);
    var count = parseInt(input.getAttribute('data-max-files') || '', 10);
    var all = parseInt(input.getAttribute('data-max-request-bytes') || '', 10);
    var files = input.files || [];
    if (count > 0 && files.length > count) return input.getAttribute('data-msg-too-many') || '';
    var total = 0;
    for (var i = 0; i < files.length; i++) {
      if (max > 0 && files[i].size > max) {
        return (input.getAttribute('data-msg-too-large') || '').split('{name}').join(files[i].name);
      }
      total += files[i].size;
    }
    // The request also carries the text: leave a little room for it.
    if (all > 0 && total > all - 65536) return input.getAttribute('data-msg-too-much') || '';
    return '';
  }

  function showLimit(input, text) {
    var field = input.closest('.field') || input.parentNode;
    var p = document.getElementById('err-attachments');
    if (!p || !field.contains(p)) {
      p = field.querySelector('p.field-error[data-limit-error]');
    }
    if (!text) {
      if (p && p.hasAttribute('data-limit-error')) {
        p.parentNode.removeChild(p);
        var rest = (input.getAttribute('aria-describedby') || '').split(' ').filter(function (id) {
          return id && id !== 'err-attachments';
        });
        input.setAttribute('aria-describedby', rest.join(' '));
      }
      return;
    }
    if (!p) {
      p = document.createElement('p');
      p.className = 'field-error';
      p.id = 'err-attachments';
      p.setAttribute('data-limit-error', '');
      p.setAttribute('role', 'alert');
      field.appendChild(p);
    }
    p.textContent = text;
    input.setAttribute('aria-invalid', 'true');
    var described = (input.getAttribute('aria-describedby') || '').split(' ');
    if (described.indexOf(p.id) === -1) {
      described.push(p.id);
      input.setAttribute('aria-describedby', described.join(' ').trim());
    }
  }

  function checkLimits(input) {
    var text = limitMessage(input);
    showLimit(input, text);
    if (!text && input.getAttribute('aria-invalid') === 'true' && !document.getElementById('err-attachments')) {
      input.removeAttribute('aria-invalid');
    }
    return text;
  }

  document.addEventListener('change', function (ev) {
    var t = ev.target;
    if (t instanceof HTMLInputElement && t.type === 'file' && t.hasAttribute('data-max-file-bytes')) {
      checkLimits(t);
    }
  });

  // Capture phase: runs before the upload-progress handler on the form itself.
  document.addEventListener(
    'submit',
    function (ev) {
      var form = ev.target;
      if (!(form instanceof HTMLFormElement)) return;
      var inputs = form.querySelectorAll('input[type="file"][data-max-file-bytes]');
      for (var i = 0; i < inputs.length; i++) {
        var text = limitMessage(inputs[i]);
        if (text) {
          ev.preventDefault();
          ev.stopImmediatePropagation();
          showLimit(inputs[i], text);
          inputs[i].focus();
          return;
        }
      }
    },
    true
  );

  // Upload progress: forms with chosen files are sent with XMLHttpRequest so a progress bar can
  // show; the server's answer (a redirect target, or a page with an error) replaces the page.
  // Without JavaScript the same forms post normally.
  function chosenFiles(form) {
    var inputs = form.querySelectorAll('input[type="file"]');
    for (var i = 0; i < inputs.length; i++) if (inputs[i].files && inputs[i].files.length) return true;
    return false;
  }
  var uploadForms = document.querySelectorAll('form[enctype="multipart/form-data"]');
  for (var u = 0; u < uploadForms.length; u++) {
    uploadForms[u].addEventListener('submit', function (ev) {
      var form = ev.currentTarget;
      if (!window.FormData || !window.XMLHttpRequest || !chosenFiles(form)) return;
      ev.preventDefault();
      var bar = form.querySelector('progress.upload-progress');
      if (!bar) {
        bar = document.createElement('progress');
        bar.className = 'upload-progress';
        bar.max = 100;
        bar.value = 0;
        bar.setAttribute('aria-label', document.documentElement.lang === 'en' ? 'Upload progress' : 'Fortschritt der Übertragung');
        form.appendChild(bar);
      }
      var buttons = form.querySelectorAll('button[type="submit"]');
      for (var b = 0; b < buttons.length; b++) buttons[b].disabled = true;
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.upload.addEventListener('progress', function (e) {
        if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
      });
      xhr.addEventListener('load', function () {
        if (xhr.status >= 200 && xhr.status < 300 && xhr.responseURL && xhr.responseURL !== form.action) {
          // The request has followed the redirect already, and that answer carries the
          // one-time notice ("Your ticket has been created"): show it under its own address
          // instead of asking for the page a second time, which would lose the notice.
          window.history.replaceState(null, '', xhr.responseURL);
        }
        document.open();
        document.write(xhr.responseText);
        document.close();
      });
      xhr.addEventListener('error', function () {
        for (var b = 0; b < buttons.length; b++) buttons[b].disabled = false;
        form.submit();
      });
      xhr.send(new FormData(form));
    });
  }
})();
