// The article form's rich-text editor (wangEditor, vendored under /static/vendor) and its
// uploads. Images go through the workbench's media pipeline (POST /admin/articles/uploads
// with the CSRF header); the server sanitises the HTML again when the form is saved.
(function () {
  "use strict";
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }
  function status(text) {
    var el = document.getElementById("upload-status");
    if (el) { el.textContent = text; }
  }
  function upload(file, kind) {
    var body = new FormData();
    body.append("file", file);
    status("正在上传 " + file.name + " …");
    return fetch("/admin/articles/uploads?kind=" + kind, {
      method: "POST",
      headers: { "X-CSRF-Token": csrf() },
      body: body,
      credentials: "same-origin"
    }).then(function (res) {
      return res.json().then(function (json) {
        if (!res.ok || json.errno !== 0) { throw new Error(json.message || "上传失败"); }
        status("已上传 " + file.name + "（文件编号 " + json.id + "）");
        return json;
      });
    }).catch(function (e) { status(e.message); throw e; });
  }
  function start() {
    var source = document.getElementById("body_html");
    var holder = document.getElementById("editor-container");
    if (!source || !holder || !window.wangEditor) { return; }
    var E = window.wangEditor;
    var editor = E.createEditor({
      selector: "#editor-container",
      html: source.value || "<p><br></p>",
      mode: "default",
      config: {
        placeholder: "请输入正文…",
        onChange: function (ed) { source.value = ed.getHtml(); },
        MENU_CONF: {
          uploadImage: {
            customUpload: function (file, insert) {
              return upload(file, "image").then(function (json) {
                insert(json.data.url, file.name, "");
              });
            }
          }
        }
      }
    });
    E.createToolbar({
      editor: editor,
      selector: "#editor-toolbar",
      mode: "default",
      config: { excludeKeys: ["group-video", "insertImage", "fullScreen"] }
    });
    source.hidden = true;
  }
  function bindFileInputs() {
    document.querySelectorAll("input[type=file][data-upload]").forEach(function (input) {
      input.addEventListener("change", function () {
        var target = document.getElementById(input.getAttribute("data-target"));
        Array.prototype.forEach.call(input.files, function (file) {
          upload(file, input.getAttribute("data-upload")).then(function (json) {
            if (!target) { return; }
            if (input.hasAttribute("data-append") && target.value.trim() !== "") {
              target.value = target.value.trim() + "," + json.id;
            } else {
              target.value = String(json.id);
            }
          });
        });
        input.value = "";
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { start(); bindFileInputs(); });
})();
