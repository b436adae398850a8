//! The sanitiser against known XSS payloads and what the editor produces.

use super::*;

/// Known XSS payloads (OWASP filter-evasion cheat sheet, html5sec.org, PortSwigger's
/// list), each of which must come out inert.
const PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//xss.example/xss.js></SCRIPT>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    "<a onmouseover=\"alert(document.cookie)\">xxs link</a>",
    "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\"\\>",
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    "<IMG SRC=/ onerror=\"alert(String.fromCharCode(88,83,83))\"></img>",
    "<img src=x onerror=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041\">",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">",
    "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
    "<SCRIPT/XSS SRC=\"http://xss.example/xss.js\"></SCRIPT>",
    "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(\"XSS\")>",
    "<<SCRIPT>alert(\"XSS\");//\\<</SCRIPT>",
    "<SCRIPT SRC=http://xss.example/xss.js?< B >",
    "<IMG SRC=\"`<javascript:alert>`('XSS')\"",
    "<iframe src=http://xss.example/scriptlet.html <",
    "</TITLE><SCRIPT>alert(\"XSS\");</SCRIPT>",
    "<INPUT TYPE=\"IMAGE\" SRC=\"javascript:alert('XSS');\">",
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<IMG DYNSRC=\"javascript:alert('XSS')\">",
    "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
    "<svg/onload=alert('XSS')>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<LINK REL=\"stylesheet\" HREF=\"javascript:alert('XSS');\">",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:alert('XSS');\">",
    "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
    "<iframe src=\"https://evil.example/\"></iframe>",
    "<FRAMESET><FRAME SRC=\"javascript:alert('XSS');\"></FRAMESET>",
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\"><TD BACKGROUND=\"javascript:alert('XSS')\">",
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
    "<DIV STYLE=\"width: expression(alert('XSS'));\">",
    "<p style=\"color: red; behavior: url(xss.htc)\">x</p>",
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    "<OBJECT TYPE=\"text/x-scriptlet\" DATA=\"http://xss.example/scriptlet.html\"></OBJECT>",
    "<EMBED SRC=\"data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIwMDAvc3ZnIiB4bWxucz0iaHR0cDovL3d3dy53My5vcmcv\" AllowScriptAccess=\"always\"></EMBED>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"JAVASCRIPT:alert(1)\">x</a>",
    "<a href=\"&#x6A;avascript:alert(1)\">x</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<form action=\"javascript:alert(1)\"><button>x</button></form>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=\"alert(1)\"></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<img src=\"data:image/svg+xml,<svg onload=alert(1)>\">",
    "<img src=\"https://tracker.example/pixel.gif\">",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<template><script>alert(1)</script></template>",
    "<a href=\"//evil.example/\">x</a>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<p onclick=alert(1) onmouseenter=alert(2)>x</p>",
    "<object data=\"javascript:alert(1)\">",
    "<isindex type=image src=1 onerror=alert(1)>",
];

/// Markers whose presence in the output would mean script could still run or a
/// foreign resource could still load.
const DANGERS: &[&str] = &[
    "<script",
    "javascript:",
    "vbscript:",
    "data:",
    "<iframe",
    "<frame",
    "<object",
    "<embed",
    "<svg",
    "<math",
    "<style",
    "<link",
    "<meta",
    "<base",
    "<form",
    "<input",
    "<video",
    "<audio",
    "<body",
    "<template",
    "expression(",
    "url(",
    "evil.example",
    "tracker.example",
    "xss.example",
    "<details",
    "<marquee",
    "<isindex",
    "<noscript",
];

fn has_handler(out: &str) -> bool {
    // Any attribute named on… inside a tag.
    let lower = out.to_ascii_lowercase();
    let mut in_tag = false;
    let bytes = lower.as_bytes();
    for (i, &c) in bytes.iter().enumerate() {
        match c {
            b'<' => in_tag = true,
            b'>' => in_tag = false,
            b'o' if in_tag
                && i > 0
                && bytes[i - 1].is_ascii_whitespace()
                && bytes.get(i + 1) == Some(&b'n') =>
            {
                return true;
            }
            _ => {}
        }
    }
    false
}

#[test]
fn every_known_xss_payload_is_neutralised() {
    for payload in PAYLOADS {
        let out = clean(payload);
        let lower = out.to_ascii_lowercase();
        for danger in DANGERS {
            assert!(!lower.contains(danger), "{payload:?} kept {danger:?}: {out:?}");
        }
        assert!(!has_handler(&out), "{payload:?} kept an event handler: {out:?}");
        // Cleaning is stable: what is stored cleans to itself.
        assert_eq!(clean(&out), out, "{payload:?} is not stable");
    }
}

#[test]
fn what_the_editor_produces_is_kept() {
    let media = "/media/12-abcDEF_123-xyz";
    let html = format!(
        "<h2>标题</h2><p style=\"text-align: center;\"><span style=\"color: rgb(225, 60, 57);\">红字</span> \
         <strong>粗</strong><em>斜</em><u>下划线</u><s>删除</s></p>\
         <blockquote>引用</blockquote><ul><li>一</li></ul><ol><li>二</li></ol>\
         <pre><code>let x = 1;</code></pre>\
         <table style=\"width: auto;\"><tbody><tr><th colspan=\"1\" rowspan=\"1\" width=\"auto\">表头</th></tr>\
         <tr><td colspan=\"2\" rowspan=\"1\">格</td></tr></tbody></table>\
         <p><img src=\"{media}\" alt=\"图\" style=\"width: 50%;\"></p>\
         <p><a href=\"https://www.gov.cn/zhengce/\" target=\"_blank\">政策原文</a></p><hr>"
    );
    let out = clean(&html);
    for kept in [
        "<h2>标题</h2>",
        "text-align:center",
        "color:rgb(225, 60, 57)",
        "<strong>粗</strong>",
        "<blockquote>",
        "<table",
        "<th colspan=\"1\" rowspan=\"1\" width=\"auto\">",
        "<td colspan=\"2\" rowspan=\"1\">",
        &format!("<img src=\"{media}\" alt=\"图\""),
        "href=\"https://www.gov.cn/zhengce/\"",
        "target=\"_blank\"",
        "rel=\"noopener noreferrer\"",
        "<pre><code>",
        "<hr>",
    ] {
        assert!(out.contains(kept), "lost {kept:?}: {out}");
    }
}

#[test]
fn images_only_from_our_media_links() {
    assert!(is_media_url("/media/3-AbC_d-9"));
    assert!(is_media_url("/media/3-AbC_d-9/thumbnail"));
    for foreign in [
        "https://mmbiz.qpic.cn/x.jpg",
        "/media/../admin",
        "/media/x-abc",
        "/media/3-",
        "//evil.example/media/3-abc",
        "/static/app.js",
    ] {
        assert!(!is_media_url(foreign), "{foreign}");
        let out = clean(&format!("<p>a<img src=\"{foreign}\" alt=\"x\">b</p>"));
        assert_eq!(out, "<p>ab</p>", "{foreign}");
    }
}

#[test]
fn plain_text_strips_tags_and_decodes() {
    assert_eq!(plain_text("<p>一 &amp; 二</p><script>x</script><p>  三\n</p>"), "一 & 二 三");
}
