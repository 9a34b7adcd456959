"""Sign-up, sign-in, sign-out, the account page, and setting a password from a one-time link."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, logout_user

from course.auth import accounts
from course.auth.forms import (
    NameForm,
    PasswordChangeForm,
    RegisterForm,
    SetPasswordForm,
    SignInForm,
)
from course.auth.invitations import after_sign_in, held_invitation
from course.auth.models import User
from course.auth.password_links import TOKEN_LIFETIME, account_for_token, redeem_token
from course.auth.passwords import verify_password
from course.auth.sessions import SESSION_TOKEN_KEY, start_session
from course.db import get_session, utcnow
from course.rate_limits import client_address, limited
from course.site.addresses import safe_next_path

bp = Blueprint("auth", __name__)

DEAD_TOKEN = (
    "This link does not work. Each link sets a password once and lasts "
    f"{TOKEN_LIFETIME.days} days: ask the person who runs your cohort for a new one."
)


def _email_key() -> str:
    return "email:" + accounts.normalise_email(request.form.get("email", ""))[:254]


@bp.route("/register", methods=["GET", "POST"])
# Sign-up must say when an email is taken (there is no mail to say it instead),
# so it is throttled per address to keep that from becoming a lookup service.
@limited("register", "REGISTER_LIMIT")
def register():
    """Create a learner account and sign it in; after an invite link, join its cohort too."""
    if current_user.is_authenticated:
        return redirect(url_for("learn.outline"))
    db = get_session()
    mode = current_app.config["REGISTRATION"]
    invitation = held_invitation(db) if mode != "closed" else None
    if mode == "closed" or (mode == "invite" and invitation is None):
        return render_template("auth/registration_closed.html", mode=mode), 403
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                db, email=form.email.data, name=form.name.data, password=form.password.data
            )
        except accounts.AccountError as error:
            form.email.errors.append(str(error))
        else:
            if invitation is not None:
                invitation.accept(db, user.id, utcnow())
            start_session(db, user)
            db.commit()
            flash(f"Welcome, {user.name}. Your account is ready.", "success")
            if invitation is not None:
                return redirect(invitation.leads_to)
            return redirect(safe_next_path(request.args.get("next")) or url_for("learn.outline"))
    return render_template("auth/register.html", form=form)


def landing_path(user) -> str:
    """Return where signing in leads: a manager's cohorts, a learner's course."""
    return url_for("manage.index") if user.is_manager else url_for("learn.outline")


@bp.route("/login", methods=["GET", "POST"])
# Counted per address and per account named, so neither many accounts from one
# address nor one account from many addresses gets more guesses.
@limited("login", "LOGIN_LIMIT", client_address, _email_key)
def login():
    """Sign in with email and password."""
    next_path = safe_next_path(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_path or landing_path(current_user))
    form = SignInForm()
    if form.validate_on_submit():
        db = get_session()
        user = accounts.authenticate(db, form.email.data, form.password.data)
        if user is None:
            # One message whether or not the email exists.
            flash("That email and password do not match an account.", "error")
        else:
            start_session(db, user)
            db.commit()
            # Invitations to cohorts wait for the learner's answer: they come first.
            return redirect(after_sign_in(db, user.id, next_path, landing_path(user)))
    return render_template("auth/login.html", form=form, next_path=next_path)


@bp.post("/logout")
def logout():
    """Sign out: end the session here and in the browser."""
    token = session.get(SESSION_TOKEN_KEY)
    if token:
        db = get_session()
        accounts.end_session(db, token)
        db.commit()
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("learn.outline"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """Show the account; change the name or the password."""
    db = get_session()
    user = db.get(User, current_user.id)
    name_form = NameForm(prefix="name", obj=user)
    password_form = PasswordChangeForm(prefix="password")
    if request.method == "POST":
        action = request.form.get("action")
        if action == "name" and name_form.validate_on_submit():
            accounts.rename(db, user, name_form.name.data.strip())
            db.commit()
            flash("Your name is saved.", "success")
            return redirect(url_for("auth.account"))
        if action == "password" and password_form.validate_on_submit():
            if not verify_password(user.password_hash, password_form.current_password.data):
                password_form.current_password.errors.append("That is not your current password.")
            else:
                accounts.change_password(
                    db, user, password_form.password.data, session[SESSION_TOKEN_KEY]
                )
                db.commit()
                flash("Your password is changed; other devices are signed out.", "success")
                return redirect(url_for("auth.account"))
        elif action not in ("name", "password"):
            abort(400, "The form was not recognised.")
    return render_template("auth/account.html", name_form=name_form, password_form=password_form)


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    """Set a new account's password from its one-time link, then sign it in."""
    db = get_session()
    now = utcnow()
    # Unknown, used and expired links all read the same: nothing here says
    # whether an account exists.
    user = account_for_token(db, token, now)
    if user is None:
        abort(404, DEAD_TOKEN)
    form = SetPasswordForm(user_inputs=(user.email, user.name))
    if form.validate_on_submit():
        if not redeem_token(db, token, user.id, now):
            abort(404, DEAD_TOKEN)
        start_session(db, user)
        accounts.change_password(db, user, form.password.data, session[SESSION_TOKEN_KEY])
        db.commit()
        flash(f"Welcome, {user.name}. Your password is set.", "success")
        return redirect(after_sign_in(db, user.id, None, url_for("learn.outline")))
    return render_template("auth/set_password.html", form=form, user=user), (
        400 if form.errors else 200
    )
