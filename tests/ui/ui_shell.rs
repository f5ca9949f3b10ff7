//! The kiosk shell driven headlessly, as an applicant would: Home, the catalog browser, search, a guide.
//! Writes a screenshot of each screen to target/screenshots/.

use crate::common;

use common::*;
use kiosk::ui::views::{CatalogViewAdapter, GuideViewAdapter, ShellAdapter};
use slint::{ComponentHandle, Model};

fn catalog_names(kiosk: &kiosk::ui::Kiosk) -> Vec<String> {
    let items = kiosk.window.global::<CatalogViewAdapter>().get_items();
    items.iter().map(|e| e.name.to_string()).collect()
}

fn search(kiosk: &kiosk::ui::Kiosk, text: &str) {
    let input = find(kiosk, "搜索事项")
        .into_iter()
        .next()
        .expect("the search field");
    input.set_accessible_value(text);
}

#[test]
fn browse_search_and_read_a_guide() {
    init_headless();
    let kiosk = open_kiosk(1080, 1920);

    // Home, in Chinese, with its four entries.
    for label in ["我要办事", "进度查询 / 领取", "办事指南", "长辈模式"] {
        assert!(is_shown(&kiosk, label), "Home lacks {label}");
    }
    assert!(!kiosk.window.global::<ShellAdapter>().get_can_go_back());
    screenshot(&kiosk, "01-home");

    // The guide browser: 个人 first, all 58 across both tabs.
    press(&kiosk, "办事指南");
    let catalog = kiosk.window.global::<CatalogViewAdapter>();
    assert_eq!(
        catalog.get_person_count() + catalog.get_organisation_count(),
        58
    );
    let people = catalog_names(&kiosk);
    assert_eq!(people.len() as i32, catalog.get_person_count());
    assert!(people.contains(&"幼儿入园".to_string()));
    assert!(!people.contains(&"我要开拉面馆".to_string()));
    screenshot(&kiosk, "02-catalog-person");

    press(
        &kiosk,
        &format!("法人事项（{}）", catalog.get_organisation_count()),
    );
    let organisations = catalog_names(&kiosk);
    assert!(organisations.contains(&"我要开拉面馆".to_string()));
    assert_eq!(organisations.len() as i32, catalog.get_organisation_count());
    screenshot(&kiosk, "03-catalog-organisation");

    // Search by Chinese text, then by pinyin initials typed on the letter pad.
    search(&kiosk, "拉面");
    assert_eq!(catalog_names(&kiosk), vec!["我要开拉面馆"]);
    assert!(is_shown(&kiosk, "我要开拉面馆"));
    screenshot(&kiosk, "04-search-chinese");

    search(&kiosk, "");
    press(&kiosk, "拼音字母");
    for letter in ["L", "M", "G"] {
        press(&kiosk, letter);
    }
    assert_eq!(catalog.get_query(), "lmg");
    let field = find(&kiosk, "搜索事项").into_iter().next().unwrap();
    assert_eq!(
        field.accessible_value().as_deref(),
        Some("lmg"),
        "the field shows what was typed"
    );
    assert_eq!(catalog_names(&kiosk), vec!["我要开拉面馆"]);
    screenshot(&kiosk, "05-search-pinyin");
    press(&kiosk, "退格");
    assert_eq!(catalog.get_query(), "lm");

    // A search that finds nothing says so in words.
    search(&kiosk, "zzzz");
    assert!(catalog_names(&kiosk).is_empty());
    assert!(is_shown(
        &kiosk,
        "没有找到相关事项。请换个说法，或切换“个人事项 / 法人事项”再找。"
    ));
    search(&kiosk, "lmg");

    // The guide: the four joint items and the merged materials, each once.
    press(&kiosk, "我要开拉面馆");
    let guide = kiosk.window.global::<GuideViewAdapter>();
    assert_eq!(guide.get_title(), "我要开拉面馆");
    let items: Vec<String> = guide
        .get_items()
        .iter()
        .map(|i| i.name.to_string())
        .collect();
    assert_eq!(
        items,
        vec![
            "食品（含保健食品）经营许可核发",
            "城镇污水排入水管网许可",
            "设置大型户外广告及在城市建筑物、设施上悬挂、张贴宣传品审批",
            "公众聚集场所投入使用、营业前消防安全检查（不采用告知承诺制）",
        ]
    );
    let materials: Vec<String> = guide
        .get_materials()
        .iter()
        .map(|m| m.name.to_string())
        .collect();
    assert!(!materials.is_empty());
    let mut unique = materials.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        materials.len(),
        "a material is listed twice: {materials:?}"
    );
    screenshot(&kiosk, "06-guide");
    let missing: Vec<&String> = materials.iter().filter(|n| !scroll_to(&kiosk, n)).collect();
    assert!(
        missing.is_empty(),
        "in the model but not on screen: {missing:?} of {materials:?}"
    );
    let exempt = guide
        .get_materials()
        .iter()
        .filter(|m| m.status == kiosk::ui::views::MaterialStatus::Exempt)
        .count();
    assert!(exempt > 0, "the ID card at least is read from the chip");
    assert!(is_shown(&kiosk, "无需提交") || scroll_to(&kiosk, "无需提交"));
    screenshot(&kiosk, "07-guide-materials");

    // 长辈模式 from any screen.
    press(&kiosk, "长辈模式");
    assert!(kiosk
        .window
        .global::<kiosk::ui::views::Theme>()
        .get_elderly());
    screenshot(&kiosk, "08-guide-elderly");

    // Back returns to the search as it was.
    press(&kiosk, "返回");
    assert_eq!(catalog_names(&kiosk), vec!["我要开拉面馆"]);
    screenshot(&kiosk, "09-catalog-elderly");

    // 首页 ends the visit and forgets the search.
    press(&kiosk, "首页");
    assert!(is_shown(&kiosk, "我要办事"));
    screenshot(&kiosk, "10-home-elderly");
    press(&kiosk, "标准模式");
    press(&kiosk, "办事指南");
    assert_eq!(catalog.get_query(), "");

    // A guide with a situation question follows the answer.
    search(&kiosk, "KTV");
    press(&kiosk, "我要开KTV");
    let has_item = |name: &str| guide.get_items().iter().any(|i| i.name == name);
    assert!(has_item("歌舞娱乐场所经营单位设立审批（自有场地）"));
    press(&kiosk, "租赁场地");
    assert!(has_item("歌舞娱乐场所经营单位设立审批（租赁场地）"));
    assert!(!has_item("歌舞娱乐场所经营单位设立审批（自有场地）"));
    screenshot(&kiosk, "11-guide-situation");

    // Landscape 1920×1080 works too.
    kiosk.set_size(1920, 1080);
    screenshot(&kiosk, "12-guide-landscape");
}
