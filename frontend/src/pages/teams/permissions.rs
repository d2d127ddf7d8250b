//! The five team permissions as switches, each with what it allows.

use leptos::prelude::*;

use crate::pages::organizations::Permissions;

/// One permission flag: its input name (the `TeamPermissionsInput` field), label and
/// description, and how to read and write it.
pub struct Flag {
    pub name: &'static str,
    pub label: &'static str,
    pub description: &'static str,
    pub get: fn(&Permissions) -> bool,
    pub set: fn(&mut Permissions, bool),
}

/// In the order of the schema (and of the permission bits 1, 2, 4, 8, 16).
pub static FLAGS: [Flag; 5] = [
    Flag {
        name: "canEditTeamPackages",
        label: "Edit team packages",
        description: "Edit and remove the packages the team has, and choose who else sees them.",
        get: |p| p.can_edit_team_packages,
        set: |p, on| p.can_edit_team_packages = on,
    },
    Flag {
        name: "canAddPackages",
        label: "Add packages",
        description: "Add packages, and manage credentials and mirrored repositories.",
        get: |p| p.can_add_packages,
        set: |p, on| p.can_add_packages = on,
    },
    Flag {
        name: "canCreateSuborganizations",
        label: "Create suborganizations",
        description: "Create suborganizations; the team owns the ones its members create.",
        get: |p| p.can_create_suborganizations,
        set: |p, on| p.can_create_suborganizations = on,
    },
    Flag {
        name: "canViewVendorCustomers",
        label: "View vendor customers",
        description: "See customers, their Composer details, packages and install statistics.",
        get: |p| p.can_view_vendor_customers,
        set: |p, on| p.can_view_vendor_customers = on,
    },
    Flag {
        name: "canManageVendorCustomers",
        label: "Manage vendor customers",
        description: "Create and remove customers and change their packages and settings \
                      (includes viewing them).",
        get: |p| p.can_manage_vendor_customers,
        set: |p, on| p.can_manage_vendor_customers = on,
    },
];

/// Every flag on: the owners team.
pub const ALL: Permissions = Permissions {
    can_edit_team_packages: true,
    can_add_packages: true,
    can_create_suborganizations: true,
    can_view_vendor_customers: true,
    can_manage_vendor_customers: true,
};

/// The labels of the flags that are on, for a compact list.
pub fn labels(permissions: &Permissions) -> Vec<&'static str> {
    FLAGS
        .iter()
        .filter(|flag| (flag.get)(permissions))
        .map(|flag| flag.label)
        .collect()
}

/// A fieldset of switches (`input[type=checkbox][role=switch]`, named as the
/// `TeamPermissionsInput` fields, ids `<id_prefix>-<name>`) bound to `value`. Managing
/// vendor customers includes viewing them, so that switch follows it.
#[component]
pub fn PermissionToggles(
    value: RwSignal<Permissions>,
    /// Unique on the page.
    id_prefix: &'static str,
    #[prop(into)] disabled: Signal<bool>,
    #[prop(optional)] legend: Option<&'static str>,
) -> impl IntoView {
    view! {
        <fieldset class="permission-toggles" disabled=move || disabled.get()>
            <legend>{legend.unwrap_or("Permissions")}</legend>
            <p class="field-hint">
                "Every member sees the team's packages. These switches allow more:"
            </p>
            {FLAGS
                .iter()
                .map(|flag| {
                    let id = format!("{id_prefix}-{}", flag.name);
                    let description_id = format!("{id}-description");
                    let (get, set) = (flag.get, flag.set);
                    let follows_manage = flag.name == "canViewVendorCustomers";
                    let implied = move || {
                        follows_manage && value.with(|p| p.can_manage_vendor_customers)
                    };
                    view! {
                        <div class="toggle" class:toggle-on=move || value.with(get)>
                            <input
                                type="checkbox"
                                role="switch"
                                class="switch"
                                id=id.clone()
                                name=flag.name
                                aria-describedby=description_id.clone()
                                prop:checked=move || value.with(get) || implied()
                                disabled=implied
                                on:change=move |event| {
                                    let on = event_target_checked(&event);
                                    value
                                        .update(|permissions| {
                                            set(permissions, on);
                                            if permissions.can_manage_vendor_customers {
                                                permissions.can_view_vendor_customers = true;
                                            }
                                        });
                                }
                            />
                            <label for=id class="toggle-text">
                                <span class="toggle-label">{flag.label}</span>
                                <span class="toggle-description muted" id=description_id>
                                    {flag.description}
                                </span>
                            </label>
                        </div>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

/// The flags that are on, as badges ("No extra rights" when none).
#[component]
pub fn PermissionBadges(permissions: Permissions) -> impl IntoView {
    let on = labels(&permissions);
    if on.is_empty() {
        view! { <span class="muted">"No extra rights"</span> }.into_any()
    } else {
        view! {
            <span class="permission-badges">
                {on
                    .into_iter()
                    .map(|label| view! { <span class="badge badge-neutral">{label}</span> })
                    .collect_view()}
            </span>
        }
        .into_any()
    }
}
