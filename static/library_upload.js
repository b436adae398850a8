// Uploads of the library, album and video forms, one file per request through the
// workbench's media pipeline (multipart with the CSRF header), with a progress bar.
// - input[type=file][data-upload=image|document|video][data-target=<id>]: one file to
//   POST /admin/library/uploads?kind=…; its file id goes into the target field.
// - input[type=file][multiple][data-bulk=<url>]: every selected photo, one after the
//   other, to <url> (an album's photos); the page reloads when all are done.
(function () {
  "use strict";
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }
  function el(id) { return document.getElementById(id); }
  function status(text) { var s = el("upload-status"); if (s) { s.textContent = text; } }
  function progress(percent) {
    var p = el("upload-progress");
    if (!p) { return; }
    p.hidden = percent === null;
    p.value = percent === null ? 0 : percent;
  }
  // Sends one file; resolves with the JSON answer, rejects with a message.
  function send(url, file, label) {
    return new Promise(function (resolve, reject) {
      var body = new FormData();
      body.append("file", file);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.setRequestHeader("X-CSRF-Token", csrf());
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) {
          var pct = Math.round((e.loaded / e.total) * 100);
          progress(pct);
          status(label + " " + pct + "%");
        }
      };
      xhr.onload = function () {
        var json = null;
        try { json = JSON.parse(xhr.responseText); } catch (ignored) { json = null; }
        if (xhr.status >= 200 && xhr.status < 300 && json && json.ok) { resolve(json); }
        else { reject((json && json.message) || ("上传失败（" + xhr.status + "）")); }
      };
      xhr.onerror = function () { reject("网络错误，上传失败"); };
      xhr.send(body);
    });
  }
  function bindSingle(input) {
    input.addEventListener("change", function () {
      var file = input.files[0];
      var target = el(input.getAttribute("data-target"));
      if (!file) { return; }
      var url = "/admin/library/uploads?kind=" + input.getAttribute("data-upload");
      send(url, file, "正在上传 " + file.name).then(function (json) {
        if (target) { target.value = String(json.id); }
        progress(null);
        status("已上传 " + file.name + "（文件编号 " + json.id + "），请保存");
      }, function (message) { progress(null); status(file.name + "：" + message); });
      input.value = "";
    });
  }
  function bindBulk(input) {
    input.addEventListener("change", function () {
      var files = Array.prototype.slice.call(input.files);
      var results = el("upload-results");
      var done = 0, failed = 0;
      function note(text, bad) {
        if (!results) { return; }
        var li = document.createElement("li");
        li.textContent = text;
        if (bad) { li.className = "field-error"; }
        results.appendChild(li);
      }
      function next(i) {
        if (i >= files.length) {
          progress(null);
          status("完成：成功 " + done + " 张，失败 " + failed + " 张");
          if (done > 0) { window.setTimeout(function () { window.location.reload(); }, 800); }
          return Promise.resolve();
        }
        var file = files[i];
        var label = "第 " + (i + 1) + "/" + files.length + " 张 " + file.name;
        return send(input.getAttribute("data-bulk"), file, label).then(function () {
          done += 1; note(file.name + " ✓", false);
        }, function (message) {
          failed += 1; note(file.name + "：" + message, true);
        }).then(function () { return next(i + 1); });
      }
      input.disabled = true;
      next(0).then(function () { input.disabled = false; input.value = ""; });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[type=file][data-upload]").forEach(bindSingle);
    document.querySelectorAll("input[type=file][data-bulk]").forEach(bindBulk);
  });
})();
