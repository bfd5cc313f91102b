//! Browser test of the first vertical slice, driven through the DOM like a learner: arm a crash
//! after the commit, run until every payment settles, find the duplicate charge; then switch the
//! processed-payment check on and see the rerun of the same seed charge nobody twice.
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test ui_slice`
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh element to mount into, with nothing remembered from an earlier test.
fn root() -> Element {
    let window = web_sys::window().unwrap();
    window.local_storage().unwrap().unwrap().clear().unwrap();
    let document = window.document().unwrap();
    let div = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&div).unwrap();
    div
}

fn find(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).unwrap()
}

fn by_test_id(root: &Element, id: &str) -> Element {
    find(root, &format!("[data-testid={id}]")).unwrap_or_else(|| panic!("no element {id}"))
}

async fn click(root: &Element, id: &str) {
    by_test_id(root, id)
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    yew::scheduler::flush().await;
}

fn total_duplicate(root: &Element) -> u64 {
    let text = by_test_id(root, "total-duplicate").text_content().unwrap();
    text.parse()
        .unwrap_or_else(|_| panic!("total-duplicate is not an integer: {text:?}"))
}

fn settled(root: &Element) -> bool {
    by_test_id(root, "app")
        .get_attribute("data-settled")
        .as_deref()
        == Some("true")
}

async fn step_until_settled(root: &Element) {
    for _ in 0..5_000 {
        if settled(root) {
            return;
        }
        click(root, "step").await;
    }
    panic!("the run did not settle within 5,000 steps");
}

#[wasm_bindgen_test]
async fn crash_after_commit_charges_twice_until_the_processed_check_is_on() {
    let root = root();
    let _app = redelivery_lab::ui::mount(root.clone());
    yew::scheduler::flush().await;
    assert_eq!(total_duplicate(&root), 0, "nothing has happened yet");

    click(&root, "crash-after-commit").await;
    assert_eq!(
        by_test_id(&root, "crash-after-commit")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true"),
        "the armed crash is visible"
    );

    step_until_settled(&root).await;
    assert!(
        total_duplicate(&root) > 0,
        "the naive consumer charged someone twice"
    );
    let duplicate_row = find(&root, "[data-testid=charge-row][data-duplicate=true]")
        .expect("a charge row is marked duplicate");
    assert!(duplicate_row.get_attribute("data-payment").is_some());
    assert!(
        duplicate_row.text_content().unwrap().contains("duplicate"),
        "the duplicate is marked in words, not colour alone"
    );

    click(&root, "toggle-idempotency").await;
    let toggle: web_sys::HtmlInputElement =
        by_test_id(&root, "toggle-idempotency").dyn_into().unwrap();
    assert!(toggle.checked());
    assert!(
        settled(&root),
        "the rerun reaches the same time, where everything has settled"
    );
    assert_eq!(
        total_duplicate(&root),
        0,
        "the processed-payment check stops the second charge"
    );
    assert!(find(&root, "[data-testid=charge-row][data-duplicate=true]").is_none());
}

#[wasm_bindgen_test]
async fn reset_replays_from_time_zero_with_the_learners_crash_and_clear_removes_it() {
    let root = root();
    let _app = redelivery_lab::ui::mount(root.clone());
    yew::scheduler::flush().await;
    click(&root, "crash-after-commit").await;
    click(&root, "step").await;
    click(&root, "reset").await;
    assert_eq!(
        by_test_id(&root, "clock").text_content().unwrap(),
        "t = 0.000 s"
    );
    let armed =
        |root: &Element| by_test_id(root, "crash-after-commit").get_attribute("aria-pressed");
    assert_eq!(
        armed(&root).as_deref(),
        Some("true"),
        "a replay keeps what the learner did"
    );
    click(&root, "clear-actions").await;
    assert_eq!(
        armed(&root).as_deref(),
        Some("false"),
        "clearing the learner's actions removes the crash"
    );
}
